"""`watch_service_jobs` against a scripted Batch on a `MockTransport`: which requests a watch
makes, what it yields and when it ends, with no emulator."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from multidict import CIMultiDict

from aws_mlops_async import Session
from aws_mlops_async.ext.watching import ServiceJobUpdate, WatchedJob
from aws_mlops_async.protocol import HttpResponse
from aws_mlops_async.transport import MockTransport, TransportRequest

pytestmark = pytest.mark.timeout(30)
POLL = 0.01


@dataclass
class ScriptedBatch:
    """Jobs whose status is the next of a script at each listing of their queue."""

    statuses: dict[str, list[str]]
    queue: str = "q"
    requests: list[str] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)

    def summary(self, job_id: str) -> dict[str, Any]:
        script = self.statuses[job_id]
        status = script.pop(0) if len(script) > 1 else script[0]
        return {
            "jobId": job_id,
            "jobName": f"name-{job_id}",
            "jobArn": f"arn:aws:batch:us-east-1:1:service-job/{job_id}",
            "serviceJobType": "SAGEMAKER_TRAINING",
            "jobQueue": self.queue,
            "status": status,
            "createdAt": 1_700_000_000_000,
            "startedAt": 1_700_000_000_000,
        }

    def __call__(self, request: TransportRequest) -> HttpResponse:
        self.requests.append(request.operation)
        if request.operation == "ListServiceJobs":
            listed = [self.summary(j) for j in self.statuses if j not in self.missing]
            return _json({"jobSummaryList": listed})
        job_id = json.loads(request.body)["jobId"]
        if job_id in self.missing or job_id not in self.statuses:
            return _json({"message": f"Job {job_id} not found"}, 400, "ClientException")
        return _json(self.summary(job_id))


def _json(body: dict[str, Any], status: int = 200, code: str | None = None) -> HttpResponse:
    headers = CIMultiDict({"x-amzn-RequestId": "r"})
    if code:
        headers["x-amzn-ErrorType"] = code
    return HttpResponse(status, headers, json.dumps(body).encode())


@pytest.fixture
def session_on() -> Callable[[ScriptedBatch], Session]:
    def build(batch: ScriptedBatch) -> Session:
        return Session(
            region_name="us-east-1",
            aws_access_key_id="a",
            aws_secret_access_key="b",
            transport=MockTransport(batch),
        )

    return build


async def updates_of(session: Session, jobs: Any, **options: Any) -> list[ServiceJobUpdate]:
    async with (
        session,
        session.batch.watch_service_jobs(jobs, poll_interval=POLL, **options) as watch,
    ):
        return [update async for update in watch]


async def test_jobs_of_a_known_queue_are_listed_not_described(
    session_on: Callable[[ScriptedBatch], Session],
) -> None:
    batch = ScriptedBatch({"a": ["RUNNING", "SUCCEEDED"], "b": ["RUNNABLE", "RUNNING", "FAILED"]})
    updates = await updates_of(session_on(batch), ["a", "b"], job_queue="q")
    assert [(u.job_id, u.status) for u in updates if u.job_id == "b"] == [
        ("b", "RUNNABLE"),
        ("b", "RUNNING"),
        ("b", "FAILED"),
    ]
    assert {u.job_id: u.status for u in updates} == {"a": "SUCCEEDED", "b": "FAILED"}
    assert set(batch.requests) == {"ListServiceJobs"}
    assert updates[-1].finished


async def test_a_job_without_a_queue_is_described_once_then_listed(
    session_on: Callable[[ScriptedBatch], Session],
) -> None:
    batch = ScriptedBatch({"a": ["RUNNING", "RUNNING", "SUCCEEDED"]})
    updates = await updates_of(session_on(batch), [WatchedJob("a")])
    assert batch.requests[0] == "DescribeServiceJob"
    assert batch.requests.count("DescribeServiceJob") == 1
    assert updates[-1].status == "SUCCEEDED" and updates[-1].job_queue == "q"


async def test_a_job_batch_no_longer_knows_ends_failed_with_the_reason(
    session_on: Callable[[ScriptedBatch], Session],
) -> None:
    batch = ScriptedBatch({"a": ["SUCCEEDED"], "gone": ["RUNNING"]}, missing={"gone"})
    updates = await updates_of(session_on(batch), ["a", "gone"], job_queue="q")
    final = {u.job_id: u for u in updates}
    assert final["gone"].status == "FAILED"
    assert final["gone"].status_reason == "ClientException: Job gone not found"


async def test_leaving_the_block_early_stops_the_requests(
    session_on: Callable[[ScriptedBatch], Session],
) -> None:
    batch = ScriptedBatch({"a": ["RUNNING"]})  # never ends
    session = session_on(batch)
    async with (
        session,
        session.batch.watch_service_jobs(["a"], job_queue="q", poll_interval=POLL) as watch,
    ):
        iterator: AsyncIterator[ServiceJobUpdate] = aiter(watch)
        first = await anext(iterator)
    sent = len(batch.requests)
    assert first.status == "RUNNING" and sent >= 1
    await asyncio.sleep(POLL * 10)
    assert len(batch.requests) == sent  # nothing after leaving
