"""Waiters: success, failure states, error acceptors, attempt limits (HTTP mocked)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aioresponses import aioresponses

from aws_mlops_async import ConfigurationError, Session, WaiterError

ANY_URL = re.compile(r"https://.*")


@pytest.fixture
async def session() -> AsyncIterator[Session]:
    async with Session(
        region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b"
    ) as opened:
        yield opened


def image_version(status: str) -> dict[str, Any]:
    return {"ImageVersionStatus": status, "Version": 3, "ImageArn": "arn:aws:sagemaker:x"}


def reply_in_order(mock: aioresponses, method: str, *replies: dict[str, Any]) -> None:
    for reply in replies:
        mock.add(ANY_URL, method, **reply)


async def test_image_version_created_waits_through_creating(
    aws_mock: aioresponses, session: Session
) -> None:
    reply_in_order(
        aws_mock,
        "POST",
        {"payload": image_version("CREATING")},
        {"payload": image_version("CREATING")},
        {"payload": image_version("CREATED")},
    )
    waiter = session.sagemaker.get_waiter("image_version_created")
    response = await waiter.wait(image_name="img", version=3, delay=0.001)
    assert response.image_version_status == "CREATED"
    assert sum(len(calls) for calls in aws_mock.requests.values()) == 3


async def test_a_failure_state_raises_with_the_last_response(
    aws_mock: aioresponses, session: Session
) -> None:
    reply_in_order(
        aws_mock,
        "POST",
        {"payload": image_version("CREATING")},
        {"payload": {**image_version("CREATE_FAILED"), "FailureReason": "bad base image"}},
    )
    with pytest.raises(WaiterError, match="CREATE_FAILED") as caught:
        await session.sagemaker.get_waiter("image_version_created").wait(
            image_name="img", delay=0.001
        )
    assert caught.value.last_response.failure_reason == "bad base image"


async def test_image_version_deleted_succeeds_on_not_found(
    aws_mock: aioresponses, session: Session
) -> None:
    not_found = {
        "status": 400,
        "body": json.dumps({"__type": "ResourceNotFound", "Message": "no such version"}),
    }
    reply_in_order(aws_mock, "POST", {"payload": image_version("DELETING")}, not_found)
    waiter = session.sagemaker.get_waiter("image_version_deleted")
    assert await waiter.wait(image_name="img", version=3, delay=0.001) is None


async def test_an_unexpected_error_stops_the_waiter(
    aws_mock: aioresponses, session: Session
) -> None:
    reply_in_order(
        aws_mock,
        "POST",
        {"status": 400, "body": json.dumps({"__type": "AccessDeniedException", "message": "no"})},
    )
    with pytest.raises(WaiterError, match="AccessDeniedException") as caught:
        await session.sagemaker.get_waiter("image_version_created").wait(
            image_name="img", delay=0.001
        )
    assert caught.value.last_response.code == "AccessDeniedException"


async def test_max_attempts_ends_the_wait(aws_mock: aioresponses, session: Session) -> None:
    aws_mock.post(ANY_URL, payload=image_version("CREATING"), repeat=True)
    with pytest.raises(WaiterError, match="after 4 attempts"):
        await session.sagemaker.get_waiter("image_version_created").wait(
            image_name="img", delay=0.001, max_attempts=4
        )
    assert sum(len(calls) for calls in aws_mock.requests.values()) == 4


def service_job(status: str) -> dict[str, Any]:
    return {
        "jobId": "job-1",
        "jobName": "train",
        "jobQueue": "q",
        "serviceJobType": "SAGEMAKER_TRAINING",
        "startedAt": 1,
        "status": status,
    }


@pytest.mark.parametrize(("terminal", "succeeds"), [("SUCCEEDED", True), ("FAILED", False)])
async def test_service_job_finished(
    aws_mock: aioresponses, session: Session, terminal: str, succeeds: bool
) -> None:
    reply_in_order(
        aws_mock,
        "POST",
        {"payload": service_job("RUNNABLE")},
        {"payload": service_job("SOME_NEW_STATUS")},  # a status added later must not break it
        {"payload": service_job(terminal)},
    )
    waiter = session.batch.get_waiter("service_job_finished")
    if succeeds:
        assert (await waiter.wait(job_id="job-1", delay=0.001)).status == "SUCCEEDED"
    else:
        with pytest.raises(WaiterError, match="FAILED") as caught:
            await waiter.wait(job_id="job-1", delay=0.001)
        assert caught.value.last_response.status == "FAILED"


@pytest.mark.parametrize("terminal", ["FAILED", "STOPPED"])
async def test_notebook_run_finished_fails_on_failed_or_stopped(
    aws_mock: aioresponses, session: Session, terminal: str
) -> None:
    run = {"id": "run-1", "domainId": "dzd_1", "owningProjectId": "p", "notebookId": "n"}
    aws_mock.get(ANY_URL, payload={**run, "status": "RUNNING"})
    aws_mock.get(ANY_URL, payload={**run, "status": terminal})
    with pytest.raises(WaiterError, match=terminal):
        await session.datazone.get_waiter("notebook_run_finished").wait(
            domain_identifier="dzd_1", identifier="run-1", delay=0.001
        )


async def test_model_packaging_job_finished_reads_the_nested_status(
    aws_mock: aioresponses, session: Session
) -> None:
    for status in ("CREATED", "RUNNING", "SUCCEEDED"):
        aws_mock.get(ANY_URL, payload={"ModelPackagingDescription": {"Status": status}})
    waiter = session.lookoutvision.get_waiter("model_packaging_job_finished")
    response = await waiter.wait(project_name="proj", job_name="job", delay=0.001)
    assert response.model_packaging_description is not None
    assert response.model_packaging_description.status == "SUCCEEDED"


async def test_bad_waiter_settings_are_refused(session: Session) -> None:
    with pytest.raises(ConfigurationError):
        await session.batch.get_waiter("service_job_finished").wait(job_id="j", max_attempts=0)
