"""The DataZone client: SageMaker Unified Studio notebook runs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from ...client import BaseClient
from ...endpoints import EndpointRules
from ...errors import ConfigurationError
from ...pagination import PageIterator, PaginationConfig, Paginator
from ...waiters import Acceptor, Waiter, WaiterSpec
from . import operations as ops
from .errors import DataZoneExceptions
from .models import (
    ComputeConfig,
    GetNotebookRunOutput,
    ListNotebookRunsOutput,
    NetworkConfig,
    NotebookRunStatus,
    NotebookRunSummary,
    NotificationConfig,
    SortOrder,
    StartNotebookRunOutput,
    StopNotebookRunOutput,
    TimeoutConfig,
    TriggerSource,
)

__all__ = ["DataZoneClient", "ListNotebookRunsPaginator", "NotebookRunFinishedWaiter"]

NOTEBOOK_RUN_FINISHED = WaiterSpec(
    name="NotebookRunFinished",
    delay=30,
    max_attempts=120,
    acceptors=(
        Acceptor("success", {"SUCCEEDED"}, path="status"),
        Acceptor("failure", {"FAILED", "STOPPED"}, path="status"),
    ),
)


class DataZoneClient(BaseClient):
    """Async client for SageMaker Unified Studio notebook runs; get it as ``session.datazone``."""

    service = ops.SERVICE
    exceptions: ClassVar[type[DataZoneExceptions]] = DataZoneExceptions
    # DataZone's ruleset has no dual-stack switch: it uses api.aws hosts wherever they exist.
    endpoint_rules = EndpointRules(
        default="datazone.{region}.{dns_suffix}",
        fips="datazone-fips.{region}.{dns_suffix}",
        dualstack="datazone.{region}.{dualstack_dns_suffix}",
        fips_dualstack="datazone-fips.{region}.{dualstack_dns_suffix}",
        dualstack_always=True,
    )

    async def start_notebook_run(
        self,
        *,
        domain_identifier: str,
        owning_project_identifier: str,
        notebook_identifier: str,
        schedule_identifier: str | None = None,
        compute_configuration: ComputeConfig | Mapping[str, Any] | None = None,
        network_configuration: NetworkConfig | Mapping[str, Any] | None = None,
        timeout_configuration: TimeoutConfig | Mapping[str, Any] | None = None,
        notification_configuration: NotificationConfig | Mapping[str, Any] | None = None,
        trigger_source: TriggerSource | Mapping[str, Any] | None = None,
        metadata: Mapping[str, str] | None = None,
        parameters: Mapping[str, str] | None = None,
        client_token: str | None = None,
    ) -> StartNotebookRunOutput:
        """Start a notebook run in a Unified Studio project; returns the run, QUEUED.

        ``metadata`` and ``parameters``: up to 50 entries, keys up to 128 and values up to
        1024 characters. ``parameters`` and metadata values are secret: redacted in reprs,
        logs and errors, in clear only on the wire. ``timeout_configuration``'s
        ``run_timeout_in_minutes`` is 60..1440. ``client_token`` is filled when left out.
        """
        return await self._send(
            ops.START_NOTEBOOK_RUN,
            domain_identifier=domain_identifier,
            owning_project_identifier=owning_project_identifier,
            notebook_identifier=notebook_identifier,
            schedule_identifier=schedule_identifier,
            compute_configuration=compute_configuration,
            network_configuration=network_configuration,
            timeout_configuration=timeout_configuration,
            notification_configuration=notification_configuration,
            trigger_source=trigger_source,
            metadata=metadata,
            parameters=parameters,
            client_token=client_token,
        )

    async def get_notebook_run(
        self, *, domain_identifier: str, identifier: str
    ) -> GetNotebookRunOutput:
        """A notebook run's status, configuration and timing."""
        return await self._send(
            ops.GET_NOTEBOOK_RUN, domain_identifier=domain_identifier, identifier=identifier
        )

    async def list_notebook_runs(
        self,
        *,
        domain_identifier: str,
        owning_project_identifier: str,
        notebook_identifier: str | None = None,
        status: NotebookRunStatus | None = None,
        schedule_identifier: str | None = None,
        max_results: int | None = None,
        sort_order: SortOrder | None = None,
        next_token: str | None = None,
    ) -> ListNotebookRunsOutput:
        """One page of a project's notebook runs; ``get_paginator(...)`` pages through all."""
        return await self._send(
            ops.LIST_NOTEBOOK_RUNS,
            domain_identifier=domain_identifier,
            owning_project_identifier=owning_project_identifier,
            notebook_identifier=notebook_identifier,
            status=status,
            schedule_identifier=schedule_identifier,
            max_results=max_results,
            sort_order=sort_order,
            next_token=next_token,
        )

    async def stop_notebook_run(
        self, *, domain_identifier: str, identifier: str, client_token: str | None = None
    ) -> StopNotebookRunOutput:
        """Stop a notebook run; returns it in its new state."""
        return await self._send(
            ops.STOP_NOTEBOOK_RUN,
            domain_identifier=domain_identifier,
            identifier=identifier,
            client_token=client_token,
        )

    def get_paginator(self, name: Literal["list_notebook_runs"]) -> ListNotebookRunsPaginator:
        """The paginator for a list operation: ``list_notebook_runs``."""
        if name != "list_notebook_runs":
            raise ConfigurationError(f"DataZone has no paginator {name!r}")
        return ListNotebookRunsPaginator(self, ops.LIST_NOTEBOOK_RUNS_PAGES)

    def get_waiter(self, name: Literal["notebook_run_finished"]) -> NotebookRunFinishedWaiter:
        """A waiter: ``notebook_run_finished``."""
        if name != "notebook_run_finished":
            raise ConfigurationError(f"DataZone has no waiter {name!r}")
        return NotebookRunFinishedWaiter(self)


class ListNotebookRunsPaginator(Paginator[ListNotebookRunsOutput, NotebookRunSummary]):
    """Pages through ListNotebookRuns."""

    def paginate(
        self,
        *,
        domain_identifier: str,
        owning_project_identifier: str,
        notebook_identifier: str | None = None,
        status: NotebookRunStatus | None = None,
        schedule_identifier: str | None = None,
        sort_order: SortOrder | None = None,
        pagination_config: PaginationConfig | None = None,
    ) -> PageIterator[ListNotebookRunsOutput, NotebookRunSummary]:
        """The pages of a project's notebook runs, fetched lazily; ``.items()`` for the runs."""
        return self._paginate(
            {
                "domain_identifier": domain_identifier,
                "owning_project_identifier": owning_project_identifier,
                "notebook_identifier": notebook_identifier,
                "status": status,
                "schedule_identifier": schedule_identifier,
                "sort_order": sort_order,
            },
            pagination_config,
        )


class NotebookRunFinishedWaiter(Waiter[GetNotebookRunOutput]):
    """Waits until a notebook run SUCCEEDED; FAILED or STOPPED raises WaiterError."""

    def __init__(self, client: DataZoneClient) -> None:
        super().__init__(NOTEBOOK_RUN_FINISHED)
        self._client = client

    async def wait(
        self,
        *,
        domain_identifier: str,
        identifier: str,
        delay: float | None = None,
        max_attempts: int | None = None,
    ) -> GetNotebookRunOutput:
        """Poll GetNotebookRun (every 30 s, 120 times by default); the SUCCEEDED response."""
        return await self._wait_for_state(
            lambda: self._client.get_notebook_run(
                domain_identifier=domain_identifier, identifier=identifier
            ),
            delay,
            max_attempts,
        )
