"""`aws-mlops-async sagemaker ...`: an image's versions."""

from __future__ import annotations

import argparse
from typing import Any

from ..services.sagemaker.models import ImageVersion
from ..session import Session
from .options import CommandParser
from .tables import Row, iso, show

__all__ = ["add_commands"]


def add_commands(services: Any, target: CommandParser) -> None:
    """The ``sagemaker`` commands, under ``services``."""
    sagemaker = services.add_parser("sagemaker", help="SageMaker images").add_subparsers(
        dest="command", required=True
    )
    versions = sagemaker.add_parser(
        "list-image-versions", parents=[target], help="list an image's versions"
    )
    versions.add_argument("--image-name", required=True)
    versions.add_argument("--json", action="store_true", help="JSON lines, not a table")
    versions.set_defaults(run=list_image_versions, flags={"image_name": "--image-name"})


def image_version_row(version: ImageVersion) -> Row:
    """An image version as the sagemaker tables show it."""
    return {
        "Version": str(version.version),
        "Status": str(version.image_version_status),
        "Created": iso(version.creation_time),
        "Arn": version.image_version_arn,
    }


async def list_image_versions(args: argparse.Namespace, session: Session) -> int:
    """`sagemaker list-image-versions`: an image's versions."""
    pages = session.sagemaker.get_paginator("list_image_versions").paginate(
        image_name=args.image_name
    )
    show([version async for version in pages.items()], image_version_row, as_json=args.json)
    return 0
