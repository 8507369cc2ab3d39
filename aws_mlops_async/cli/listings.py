"""The listing commands: one table (or JSON lines) of what a list operation pages through."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..session import Session

__all__ = ["list_image_versions", "list_service_jobs", "print_rows"]


async def list_service_jobs(args: argparse.Namespace, session: Session) -> int:
    """`batch list-service-jobs`: a queue's service jobs."""
    pages = session.batch.get_paginator("list_service_jobs").paginate(
        job_queue=args.queue, job_status=args.status
    )
    rows = [
        {
            "jobId": job.job_id,
            "jobName": job.job_name,
            "status": job.status,
            "createdAt": job.created_at,
        }
        async for job in pages.items()
    ]
    print_rows(rows, as_json=args.json)
    return 0


async def list_image_versions(args: argparse.Namespace, session: Session) -> int:
    """`sagemaker list-image-versions`: an image's versions."""
    pages = session.sagemaker.get_paginator("list_image_versions").paginate(
        image_name=args.image_name
    )
    rows = [
        {
            "Version": version.version,
            "Status": version.image_version_status,
            "Created": version.creation_time.isoformat(),
            "Arn": version.image_version_arn,
        }
        async for version in pages.items()
    ]
    print_rows(rows, as_json=args.json)
    return 0


def print_rows(rows: list[dict[str, Any]], *, as_json: bool) -> None:
    """Rows as an aligned table under their keys, or as JSON lines."""
    if as_json:
        for row in rows:
            print(json.dumps(row, default=str))
        return
    if not rows:
        print("(none)")
        return
    columns = list(rows[0])
    widths = [max(len(name), *(len(str(row[name])) for row in rows)) for name in columns]
    print("  ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True)))
    for row in rows:
        cells = (str(row[name]).ljust(width) for name, width in zip(columns, widths, strict=True))
        print("  ".join(cells))
