"""DataZone (SageMaker Unified Studio) notebook runs: StartNotebookRun, GetNotebookRun,
ListNotebookRuns, StopNotebookRun (restJson1).

A run is QUEUED, RUNNING, then SUCCEEDED (or FAILED); StopNotebookRun ends it STOPPED.
"""

from __future__ import annotations

from typing import Any

from ...modeling import wire_dump, wire_name
from ...services.datazone import operations as ops
from ...services.datazone.models import (
    GetNotebookRunInput,
    GetNotebookRunOutput,
    ListNotebookRunsInput,
    ListNotebookRunsOutput,
    NotebookRunSummary,
    StartNotebookRunInput,
    StartNotebookRunOutput,
    StopNotebookRunInput,
    StopNotebookRunOutput,
)
from ..errors import LocalError
from ..pagination import InvalidToken, page
from ..state import Lifecycle, NotebookRunRecord
from .base import Call, ErrorCode, LocalService, bind

__all__ = ["SERVICE"]

NOT_FOUND = ErrorCode("ResourceNotFoundException", 404)
CONFLICT = ErrorCode("ConflictException", 409)
VALIDATION = ErrorCode("ValidationException", 400)

_FINISHED = ("SUCCEEDED", "FAILED", "STOPPED")
_DEFAULT_PAGE = 50
# Members of the start request a run repeats as they were sent.
_ECHOED = {
    "compute_configuration",
    "network_configuration",
    "timeout_configuration",
    "notification_configuration",
    "trigger_source",
    "metadata",
    "parameters",
}


def _run(call: Call, domain: str, identifier: str) -> NotebookRunRecord:
    run = call.store.notebook_runs.get(identifier)
    if run is None or run.domain_id != domain:
        raise NOT_FOUND.error(f"Notebook run {identifier} does not exist in domain {domain}.")
    return run


def _view(call: Call, run: NotebookRunRecord) -> dict[str, Any]:
    """Everything GetNotebookRun answers about a run, by wire name."""
    now = call.now
    status = run.lifecycle.status(now)
    view: dict[str, Any] = {
        "triggerSource": {"type": "MANUAL"},
        **run.request,
        "id": run.run_id,
        "domainId": run.domain_id,
        "owningProjectId": run.project_id,
        "notebookId": run.notebook_id,
        "scheduleId": run.schedule_id,
        "status": status,
        "createdAt": run.created,
        "createdBy": run.created_by,
        "updatedAt": run.lifecycle.changed_at(now),
        "updatedBy": run.updated_by or run.created_by,
        "startedAt": run.lifecycle.entered("RUNNING", now),
        "completedAt": run.lifecycle.changed_at(now) if status in _FINISHED else None,
    }
    if status == "FAILED":
        view["error"] = {"message": run.error or "The notebook run failed."}
    return view


def start_notebook_run(call: Call, request: StartNotebookRunInput) -> StartNotebookRunOutput:
    """StartNotebookRun: a new QUEUED run (HTTP 201)."""
    state = call.state
    failed, reason = state.outcome("notebook_run")
    run_id = state.new_id()
    while run_id in call.store.notebook_runs:
        run_id = state.new_id()
    durations = state.durations
    run = NotebookRunRecord(
        run_id=run_id,
        domain_id=request.domain_identifier,
        project_id=request.owning_project_identifier,
        notebook_id=request.notebook_identifier,
        schedule_id=request.schedule_identifier,
        created=call.now,
        created_by=call.caller_arn,
        lifecycle=Lifecycle.plan(
            call.now,
            [
                ("QUEUED", durations.notebook_run_queued),
                ("RUNNING", durations.notebook_run_running),
            ],
            "FAILED" if failed else "SUCCEEDED",
        ),
        request=wire_dump(request, include=_ECHOED),
        error=reason if failed else None,
    )
    call.store.notebook_runs[run_id] = run
    state.created("notebook_run")
    return StartNotebookRunOutput.model_validate(_view(call, run))


def get_notebook_run(call: Call, request: GetNotebookRunInput) -> GetNotebookRunOutput:
    """GetNotebookRun: the run's status, configuration and timing."""
    run = _run(call, request.domain_identifier, request.identifier)
    return GetNotebookRunOutput.model_validate(_view(call, run))


def stop_notebook_run(call: Call, request: StopNotebookRunInput) -> StopNotebookRunOutput:
    """StopNotebookRun: an unfinished run ends STOPPED now; a finished one is a conflict."""
    run = _run(call, request.domain_identifier, request.identifier)
    status = run.lifecycle.status(call.now)
    if status in _FINISHED:
        raise CONFLICT.error(f"Notebook run {run.run_id} has already finished: {status}.")
    run.lifecycle.end("STOPPED", call.now)
    run.updated_by = call.caller_arn
    return StopNotebookRunOutput(
        id=run.run_id, domain_id=run.domain_id, owning_project_id=run.project_id, status="STOPPED"
    )


def list_notebook_runs(call: Call, request: ListNotebookRunsInput) -> ListNotebookRunsOutput:
    """ListNotebookRuns: a project's runs, by notebook, status and schedule, sorted by
    creation time (newest first unless sortOrder is ASCENDING)."""
    now = call.now
    runs = [
        run
        for run in call.store.notebook_runs.values()
        if run.domain_id == request.domain_identifier
        and run.project_id == request.owning_project_identifier
        and request.notebook_identifier in (None, run.notebook_id)
        and request.schedule_identifier in (None, run.schedule_id)
        and request.status in (None, run.lifecycle.status(now))
    ]
    try:
        chunk, next_token = page(
            runs,
            lambda run: (run.created, run.run_id),
            descending=request.sort_order != "ASCENDING",
            limit=request.max_results or _DEFAULT_PAGE,
            token=request.next_token,
            query=wire_dump(request, exclude_none=False, exclude={"next_token", "max_results"}),
        )
    except InvalidToken as error:
        raise VALIDATION.error(str(error)) from None
    items = []
    for run in chunk:
        view = _view(call, run)
        items.append(
            NotebookRunSummary.model_validate(
                {
                    name: view.get(wire_name(name, info))
                    for name, info in NotebookRunSummary.model_fields.items()
                }
            )
        )
    return ListNotebookRunsOutput(items=items, next_token=next_token)


def _token_conflict(operation: str, token: str) -> LocalError:
    return CONFLICT.error(
        f"clientToken {token} was already used by a {operation} request with other parameters."
    )


SERVICE = LocalService(
    description=ops.SERVICE,
    operations=bind(
        ops.OPERATIONS,
        {
            ops.START_NOTEBOOK_RUN: start_notebook_run,
            ops.GET_NOTEBOOK_RUN: get_notebook_run,
            ops.LIST_NOTEBOOK_RUNS: list_notebook_runs,
            ops.STOP_NOTEBOOK_RUN: stop_notebook_run,
        },
    ),
    validation=VALIDATION,
    throttling=ErrorCode("ThrottlingException", 429),
    internal=ErrorCode("InternalServerException", 500),
    unavailable=ErrorCode("ServiceUnavailableException", 503),
    token_conflict=_token_conflict,
)
