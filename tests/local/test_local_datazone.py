"""DataZone notebook runs through our client against the emulator."""

from __future__ import annotations

import pytest
from local_support import DOMAIN, PROJECT, RUN

from aws_mlops_async import PaginationConfig, Session, WaiterError
from aws_mlops_async.local import LocalAws


async def test_a_run_is_queued_then_runs_to_succeeded(endpoint: LocalAws, session: Session) -> None:
    datazone = session.datazone
    started = await datazone.start_notebook_run(
        **RUN,
        parameters={"epochs": "3", "api_key": "s3cr3t"},
        metadata={"owner": "ml-team"},
        timeout_configuration={"run_timeout_in_minutes": 60},
    )
    assert (started.status, started.domain_id, started.owning_project_id) == (
        "QUEUED",
        DOMAIN,
        PROJECT,
    )
    assert started.created_by == "arn:aws:iam::123456789012:user/AKIDLOCAL"
    assert started.parameters is not None
    assert started.parameters.get_secret_value() == {"epochs": "3", "api_key": "s3cr3t"}
    assert started.trigger_source is not None and started.trigger_source.type == "MANUAL"
    done = await datazone.get_waiter("notebook_run_finished").wait(
        domain_identifier=DOMAIN, identifier=started.id, delay=0.02
    )
    assert done.status == "SUCCEEDED" and done.error is None
    assert done.started_at is not None and done.completed_at is not None
    assert done.timeout_configuration is not None
    assert done.timeout_configuration.run_timeout_in_minutes == 60
    assert endpoint.stats.created["notebook_run"] == 1


async def test_stopping_ends_the_run_and_the_waiter(endpoint: LocalAws, session: Session) -> None:
    endpoint.clock.hold()  # the run is still going when it is stopped, however loaded the machine
    datazone = session.datazone
    started = await datazone.start_notebook_run(**RUN)
    stopped = await datazone.stop_notebook_run(domain_identifier=DOMAIN, identifier=started.id)
    assert stopped.status == "STOPPED"
    with pytest.raises(WaiterError) as caught:
        await datazone.get_waiter("notebook_run_finished").wait(
            domain_identifier=DOMAIN, identifier=started.id, delay=0.001
        )
    assert "STOPPED" in caught.value.reason
    with pytest.raises(datazone.exceptions.ConflictException) as conflict:
        await datazone.stop_notebook_run(domain_identifier=DOMAIN, identifier=started.id)
    assert conflict.value.status_code == 409


async def test_a_failing_run_carries_its_error(endpoint: LocalAws, session: Session) -> None:
    endpoint.state.fail_next("notebook_run", reason="cell 3 raised KeyError")
    started = await session.datazone.start_notebook_run(**RUN)
    endpoint.clock.advance(60)
    with pytest.raises(WaiterError):
        await session.datazone.get_waiter("notebook_run_finished").wait(
            domain_identifier=DOMAIN, identifier=started.id, delay=0.001
        )
    run = await session.datazone.get_notebook_run(domain_identifier=DOMAIN, identifier=started.id)
    assert run.status == "FAILED"
    assert run.error is not None and run.error.message == "cell 3 raised KeyError"


async def test_unknown_runs_are_resource_not_found(session: Session) -> None:
    datazone = session.datazone
    started = await datazone.start_notebook_run(**RUN)
    with pytest.raises(datazone.exceptions.ResourceNotFoundException) as caught:
        await datazone.get_notebook_run(domain_identifier=DOMAIN, identifier="nosuchrun")
    assert caught.value.status_code == 404
    with pytest.raises(datazone.exceptions.ResourceNotFoundException):  # another domain
        await datazone.get_notebook_run(domain_identifier="dzd_other", identifier=started.id)
    with pytest.raises(datazone.exceptions.ResourceNotFoundException):
        await datazone.stop_notebook_run(domain_identifier=DOMAIN, identifier="nosuchrun")


async def test_list_filters_sorts_and_pages(endpoint: LocalAws, session: Session) -> None:
    endpoint.clock.hold()  # only the test moves the runs on
    datazone = session.datazone
    ids = []
    for n in range(5):
        started = await datazone.start_notebook_run(
            **{**RUN, "notebook_identifier": f"nb{n % 2}"},
            schedule_identifier="nightly" if n == 4 else None,
        )
        ids.append(started.id)
        if n == 4:
            await datazone.stop_notebook_run(domain_identifier=DOMAIN, identifier=started.id)
        endpoint.clock.advance(1)
    await datazone.start_notebook_run(**{**RUN, "owning_project_identifier": "prj2"})
    scope = {"domain_identifier": DOMAIN, "owning_project_identifier": PROJECT}
    newest_first = await datazone.list_notebook_runs(**scope)
    assert [run.id for run in newest_first.items or []] == ids[::-1]
    oldest_first = await datazone.list_notebook_runs(**scope, sort_order="ASCENDING")
    assert [run.id for run in oldest_first.items or []] == ids
    nb1 = await datazone.list_notebook_runs(**scope, notebook_identifier="nb1")
    assert [run.id for run in nb1.items or []] == [ids[3], ids[1]]
    stopped = await datazone.list_notebook_runs(**scope, status="STOPPED")
    assert [run.id for run in stopped.items or []] == [ids[4]]
    nightly = await datazone.list_notebook_runs(**scope, schedule_identifier="nightly")
    assert [(run.id, run.schedule_id) for run in nightly.items or []] == [(ids[4], "nightly")]
    succeeded = await datazone.list_notebook_runs(**scope, status="SUCCEEDED")
    assert len(succeeded.items or []) == 4
    pages = datazone.get_paginator("list_notebook_runs").paginate(
        **scope, sort_order="ASCENDING", pagination_config=PaginationConfig(page_size=2)
    )
    assert [run.id async for run in pages.items()] == ids
    first = await datazone.list_notebook_runs(**scope, max_results=2)
    with pytest.raises(datazone.exceptions.ValidationException):
        await datazone.list_notebook_runs(**scope, status="QUEUED", next_token=first.next_token)


async def test_client_tokens_start_and_stop_once(endpoint: LocalAws, session: Session) -> None:
    endpoint.clock.hold()  # the run is still going when it is stopped
    datazone = session.datazone
    first = await datazone.start_notebook_run(**RUN, client_token="start-1")
    again = await datazone.start_notebook_run(**RUN, client_token="start-1")
    assert again.id == first.id and again.status == "QUEUED"  # the first answer
    with pytest.raises(datazone.exceptions.ConflictException):
        await datazone.start_notebook_run(
            **{**RUN, "notebook_identifier": "other"}, client_token="start-1"
        )
    stop = {"domain_identifier": DOMAIN, "identifier": first.id, "client_token": "stop-1"}
    assert (await datazone.stop_notebook_run(**stop)).status == "STOPPED"
    assert (await datazone.stop_notebook_run(**stop)).status == "STOPPED"  # replayed, no conflict
    assert endpoint.stats.created["notebook_run"] == 1
    assert endpoint.stats.replayed == {"StartNotebookRun": 1, "StopNotebookRun": 1}
