"""`aws-mlops-async datazone ...`: SageMaker Unified Studio notebook runs."""

from __future__ import annotations

import argparse
from typing import Any, get_args

from ..services.datazone.models import (
    GetNotebookRunOutput,
    NotebookRunStatus,
    NotebookRunSummary,
    StartNotebookRunOutput,
)
from ..session import Session
from .options import (
    PAGE_SIZE_FLAGS,
    CommandParser,
    add_page_size,
    key_value,
    pagination,
    positive_float,
    positive_int,
)
from .tables import Row, iso, show

__all__ = ["add_commands"]

STATUSES: tuple[str, ...] = get_args(NotebookRunStatus)
RUN_FLAGS = {"domain_identifier": "--domain", "identifier": "--run-id"}


def add_commands(services: Any, target: CommandParser) -> None:
    """The ``datazone`` commands, under ``services``."""
    datazone = services.add_parser(
        "datazone", help="SageMaker Unified Studio (DataZone) notebook runs"
    ).add_subparsers(dest="command", required=True)

    start = datazone.add_parser("start-notebook-run", parents=[target], help="start a run")
    start.add_argument("--domain", required=True, help="the domain's id (dzd_...)")
    start.add_argument("--project", required=True, help="the owning project's id")
    start.add_argument("--notebook", required=True, help="the notebook's id")
    start.add_argument(
        "--parameter",
        action="append",
        type=key_value,
        default=[],
        metavar="NAME=VALUE",
        help="a notebook parameter (repeatable); parameters are kept secret",
    )
    start.add_argument("--timeout-minutes", type=positive_int, help="60..1440")
    start.add_argument("--instance-type", help="e.g. ml.m5.large")
    start.add_argument("--json", action="store_true", help="JSON, not a table")
    start.set_defaults(
        run=start_notebook_run,
        flags={
            "domain_identifier": "--domain",
            "owning_project_identifier": "--project",
            "notebook_identifier": "--notebook",
            "parameters": "--parameter",
            "timeout_configuration": "--timeout-minutes",
            "compute_configuration": "--instance-type",
        },
    )

    get = datazone.add_parser("get-notebook-run", parents=[target], help="one run")
    get.add_argument("--domain", required=True, help="the domain's id (dzd_...)")
    get.add_argument("--run-id", required=True, help="the notebook run's id")
    get.add_argument("--json", action="store_true", help="JSON, not a table")
    get.set_defaults(run=get_notebook_run, flags=RUN_FLAGS)

    listing = datazone.add_parser(
        "list-notebook-runs", parents=[target], help="a project's runs, newest first"
    )
    listing.add_argument("--domain", required=True, help="the domain's id (dzd_...)")
    listing.add_argument("--project", required=True, help="the owning project's id")
    listing.add_argument("--notebook", help="only this notebook's runs")
    listing.add_argument("--status", choices=STATUSES, help="only runs in this status")
    add_page_size(listing)
    listing.add_argument("--json", action="store_true", help="JSON lines, not a table")
    listing.set_defaults(
        run=list_notebook_runs,
        flags={
            "domain_identifier": "--domain",
            "owning_project_identifier": "--project",
            "notebook_identifier": "--notebook",
            **PAGE_SIZE_FLAGS,
        },
    )

    wait = datazone.add_parser(
        "wait",
        parents=[target],
        help="wait until a run SUCCEEDED (exit 0) or ended otherwise (exit 1)",
    )
    wait.add_argument("--domain", required=True, help="the domain's id (dzd_...)")
    wait.add_argument("--run-id", required=True, help="the notebook run's id")
    wait.add_argument("--delay", type=positive_float, help="seconds between polls (30)")
    wait.add_argument("--max-attempts", type=positive_int, help="polls at most (120)")
    wait.add_argument("--json", action="store_true", help="JSON, not a table")
    wait.set_defaults(run=wait_for_notebook_run, flags=RUN_FLAGS)


def run_row(run: NotebookRunSummary | GetNotebookRunOutput | StartNotebookRunOutput) -> Row:
    """A notebook run as every datazone table shows it."""
    row = {"Run Id": run.id, "Notebook": run.notebook_id, "Status": str(run.status)}
    if not isinstance(run, StartNotebookRunOutput):
        row["Created"] = iso(run.created_at)
        row["Completed"] = iso(run.completed_at)
    return row


async def start_notebook_run(args: argparse.Namespace, session: Session) -> int:
    """`datazone start-notebook-run`: the run started, QUEUED."""
    options: dict[str, Any] = {}
    if args.parameter:
        options["parameters"] = dict(args.parameter)
    if args.timeout_minutes is not None:
        options["timeout_configuration"] = {"run_timeout_in_minutes": args.timeout_minutes}
    if args.instance_type is not None:
        options["compute_configuration"] = {"instance_type": args.instance_type}
    run = await session.datazone.start_notebook_run(
        domain_identifier=args.domain,
        owning_project_identifier=args.project,
        notebook_identifier=args.notebook,
        **options,
    )
    show([run], run_row, as_json=args.json)
    return 0


async def get_notebook_run(args: argparse.Namespace, session: Session) -> int:
    """`datazone get-notebook-run`: one run."""
    run = await session.datazone.get_notebook_run(
        domain_identifier=args.domain, identifier=args.run_id
    )
    show([run], run_row, as_json=args.json)
    return 0


async def list_notebook_runs(args: argparse.Namespace, session: Session) -> int:
    """`datazone list-notebook-runs`: a project's runs."""
    pages = session.datazone.get_paginator("list_notebook_runs").paginate(
        domain_identifier=args.domain,
        owning_project_identifier=args.project,
        notebook_identifier=args.notebook,
        status=args.status,
        pagination_config=pagination(args),
    )
    show([run async for run in pages.items()], run_row, as_json=args.json)
    return 0


async def wait_for_notebook_run(args: argparse.Namespace, session: Session) -> int:
    """`datazone wait`: until the run SUCCEEDED (a WaiterError, exit 1, otherwise)."""
    run = await session.datazone.get_waiter("notebook_run_finished").wait(
        domain_identifier=args.domain,
        identifier=args.run_id,
        delay=args.delay,
        max_attempts=args.max_attempts,
    )
    show([run], run_row, as_json=args.json)
    return 0
