"""`batch.watch_service_jobs` and `batch submit --wait` / `batch watch` against the emulator:
requests per poll cycle counted by the emulator itself."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from local_support import FAST, JOB, TRAINING_REQUEST
from support import LoopbackServer, json_reply

from aws_mlops_async import Config, ConfigurationError, EndpointUnreachable, Session
from aws_mlops_async.ext.watching import DESCRIBE_CONCURRENCY, ServiceJobUpdate, WatchedJob
from aws_mlops_async.local import LocalAws
from aws_mlops_async.local.settings import Durations
from aws_mlops_async.pagination import PaginationError

POLL = 0.05
ORDER = ["SUBMITTED", "PENDING", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING"]


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    async with LocalAws(durations=FAST, seed=11) as running:
        yield running


@pytest.fixture
async def session(endpoint: LocalAws) -> AsyncIterator[Session]:
    async with endpoint.session() as opened:
        yield opened


def jobs(count: int, queue: str = "ml-queue") -> list[dict[str, Any]]:
    return [{**JOB, "job_name": f"train-{n}", "job_queue": queue} for n in range(count)]


async def submit(session: Session, count: int, queue: str = "ml-queue") -> list[Any]:
    async with session.batch.submit_service_jobs(jobs(count, queue), concurrency=64) as run:
        outcomes = [outcome async for outcome in run]
    assert all(outcome.ok for outcome in outcomes)
    return outcomes


async def watch_all(session: Session, given: Any, **options: Any) -> tuple[Any, list[Any]]:
    updates: list[ServiceJobUpdate] = []
    options.setdefault("poll_interval", POLL)
    async with session.batch.watch_service_jobs(given, **options) as watching:
        async for update in watching:
            updates.append(update)
    return watching, updates


def finals(updates: list[ServiceJobUpdate]) -> dict[str, ServiceJobUpdate]:
    return {update.job_id: update for update in updates}


@pytest.mark.timeout(120)
async def test_a_thousand_jobs_are_followed_by_listing_their_queue_not_describing_each(
    endpoint: LocalAws, session: Session
) -> None:
    outcomes = await submit(session, 1000)
    endpoint.stats.reset()
    watching, updates = await watch_all(session, outcomes)
    last = finals(updates)
    assert len(last) == 1000
    assert {update.status for update in last.values()} == {"SUCCEEDED"}
    assert all(update.service_resource_id for update in last.values())
    assert endpoint.stats.received["DescribeServiceJob"] == 0
    lists = endpoint.stats.received["ListServiceJobs"]
    assert lists == watching.requests["ListServiceJobs"]
    assert watching.cycles >= 1
    assert lists <= 10 * watching.cycles  # 1,000 jobs, 100 a page: at most 10 a cycle
    for job_id, update in last.items():  # statuses only move forward
        seen = [u.status for u in updates if u.job_id == job_id]
        ranks = [ORDER.index(s) if s in ORDER else len(ORDER) for s in seen]
        assert ranks == sorted(ranks) and len(seen) == len(set(seen)), seen
        assert update.index is not None


async def finish_when(endpoint: LocalAws, ready: Callable[[], bool]) -> None:
    """Move the clock far enough for every job to finish, once ``ready()``."""
    while not ready():
        await asyncio.sleep(POLL)
    endpoint.clock.advance(10 * 3600)


async def test_throttling_slows_the_watch_but_it_finishes() -> None:
    # Jobs that wait for the clock: the watch lists them until throttled at least once.
    async with (
        LocalAws(durations=Durations.uniform(3600), seed=11) as endpoint,
        endpoint.session() as session,
    ):
        outcomes = await submit(session, 200)
        endpoint.faults.set(throttle=0.3, operation="ListServiceJobs")
        finishing = asyncio.create_task(
            finish_when(endpoint, lambda: endpoint.stats.faults["throttle"] > 0)
        )
        _, updates = await watch_all(session, outcomes)
        await finishing
    assert {u.status for u in finals(updates).values()} == {"SUCCEEDED"}
    assert endpoint.stats.faults["throttle"] > 0
    assert endpoint.stats.received["DescribeServiceJob"] == 0


async def test_leaving_the_loop_stops_every_request(endpoint: LocalAws, session: Session) -> None:
    outcomes = await submit(session, 50)
    async with session.batch.watch_service_jobs(outcomes, poll_interval=POLL) as watching:
        async for _ in watching:
            break
    sent = sum(endpoint.stats.received.values())
    await asyncio.sleep(POLL * 6)
    assert sum(endpoint.stats.received.values()) == sent


async def test_ids_without_a_queue_are_described_once_then_listed() -> None:
    # Jobs that stay queued until the clock is moved: however slow the machine, they are
    # unfinished when described, and finish only once the watch has listed their queue.
    async with (
        LocalAws(durations=Durations.uniform(3600), seed=11) as endpoint,
        endpoint.session() as session,
    ):
        outcomes = await submit(session, 30)
        ids = [outcome.response.job_id for outcome in outcomes]
        endpoint.stats.reset()

        finishing = asyncio.create_task(
            finish_when(endpoint, lambda: endpoint.stats.received["ListServiceJobs"] > 0)
        )
        _, updates = await watch_all(session, ids)
        await finishing
    assert {u.status for u in finals(updates).values()} == {"SUCCEEDED"}
    assert endpoint.stats.received["DescribeServiceJob"] == 30
    assert endpoint.stats.received["ListServiceJobs"] >= 1


async def test_a_job_the_service_does_not_know_ends_failed_with_why(session: Session) -> None:
    _, updates = await watch_all(session, ["no-such-job"], job_queue="ml-queue")
    (update,) = updates
    assert update.status == "FAILED" and update.finished
    assert update.status_reason is not None and "ClientException" in update.status_reason


async def test_failed_jobs_carry_their_reason_and_training_job(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.faults.set(job_failure=0.2)
    outcomes = await submit(session, 100)
    _, updates = await watch_all(session, outcomes)
    failed = [u for u in finals(updates).values() if u.status == "FAILED"]
    assert 5 <= len(failed) <= 40
    assert all((u.status_reason or "").startswith("AlgorithmError") for u in failed)
    training = await session.sagemaker.describe_training_job(
        training_job_name=failed[0].service_resource_id.rsplit("/", 1)[1]  # type: ignore[union-attr]
    )
    assert training.training_job_status == "Failed"


async def test_failed_submissions_are_skipped_and_watched_jobs_given_as_records(
    session: Session,
) -> None:
    bad = {**JOB, "job_name": "has spaces"}
    async with session.batch.submit_service_jobs([JOB, bad]) as run:
        outcomes = sorted([outcome async for outcome in run], key=lambda o: o.index)
    assert [outcome.ok for outcome in outcomes] == [True, False]
    _, updates = await watch_all(session, outcomes)
    assert set(finals(updates)) == {outcomes[0].response.job_id}
    record = WatchedJob(outcomes[0].response.job_id, "ml-queue", index=7)
    _, again = await watch_all(session, [record])
    assert again[-1].index == 7 and again[-1].status == "SUCCEEDED"


async def test_no_jobs_is_an_empty_watch(endpoint: LocalAws, session: Session) -> None:
    _, updates = await watch_all(session, [])
    assert updates == [] and sum(endpoint.stats.received.values()) == 0


@pytest.mark.parametrize(
    ("given", "options", "message"),
    [
        (["j"], {"poll_interval": 0}, "poll_interval"),
        (["j"], {"poll_interval": "30"}, "poll_interval"),
        ("job-id", {}, "not one str"),
        ([""], {}, "empty"),
        ([3.5], {}, "cannot watch float"),
        (["j"], {"job_queue": ""}, "job_queue"),
    ],
)
async def test_bad_arguments_are_refused_before_any_request(
    endpoint: LocalAws, session: Session, given: Any, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        session.batch.watch_service_jobs(given, **options)
    assert sum(endpoint.stats.received.values()) == 0


# ---- the command line ------------------------------------------------------------------


async def cli(endpoint: LocalAws, *args: str) -> tuple[int, str, str]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": endpoint.access_key,
        "AWS_SECRET_ACCESS_KEY": endpoint.secret_key,
        "AWS_REGION": endpoint.region,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aws_mlops_async",
        *args,
        "--endpoint-url",
        endpoint.url,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def jobs_file(path: Path, count: int) -> Path:
    lines = [
        json.dumps(
            {
                "job_name": f"cli-{n}",
                "service_job_type": "SAGEMAKER_TRAINING",
                # A typed payload: a JSON object, validated before it is sent.
                "service_request_payload": TRAINING_REQUEST,
            }
        )
        for n in range(count)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.timeout(120)
async def test_submit_wait_exits_1_naming_each_failed_line(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    endpoint.faults.set(job_failure=0.3)
    source = jobs_file(tmp_path / "jobs.jsonl", 40)
    status, _, err = await cli(
        endpoint, "batch", "submit", "--jobs", str(source), "--queue", "ml-queue",
        "--wait", "--poll-interval", "0.05", "--results", str(tmp_path / "results.jsonl"),
    )  # fmt: skip
    failed = endpoint.stats.faults["job_failure"]
    assert status == 1 and failed > 0, err
    assert f"{40 - failed} of 40 succeeded, {failed} failed" in err
    failures = [line for line in err.splitlines() if "AlgorithmError" in line]
    assert len(failures) == failed
    assert all(line.strip().startswith("line ") and " job " in line for line in failures)
    assert "SUCCEEDED" in err and "RUNNING" in err  # the status table's header


@pytest.mark.timeout(120)
async def test_submit_wait_exits_0_when_all_succeed_and_watch_resumes_from_results(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    source = jobs_file(tmp_path / "jobs.jsonl", 20)
    results = tmp_path / "results.jsonl"
    status, _, err = await cli(
        endpoint, "batch", "submit", "--jobs", str(source), "--queue", "ml-queue",
        "--wait", "--poll-interval", "0.05", "--results", str(results),
    )  # fmt: skip
    assert status == 0, err
    assert "20 of 20 succeeded, 0 failed" in err
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert {record["job_queue"] for record in records} == {"ml-queue"}
    status, _, err = await cli(
        endpoint, "batch", "watch", "--results", str(results), "--poll-interval", "0.05"
    )
    assert status == 0 and "20 of 20 succeeded" in err


async def test_watch_refuses_a_results_file_it_cannot_read(
    endpoint: LocalAws, tmp_path: Path
) -> None:
    broken = tmp_path / "results.jsonl"
    broken.write_text("not json\n")
    status, _, err = await cli(endpoint, "batch", "watch", "--results", str(broken))
    assert status == 2 and "--results" in err and "not JSON" in err
    status, _, err = await cli(endpoint, "batch", "watch", "--results", str(tmp_path / "nope"))
    assert status == 2 and "cannot read" in err


async def test_the_training_job_behind_a_service_job_from_the_command_line(
    endpoint: LocalAws, session: Session
) -> None:
    endpoint.faults.set(job_failure=1.0)
    outcomes = await submit(session, 2)
    _, updates = await watch_all(session, outcomes)
    arn = finals(updates)[outcomes[0].response.job_id].service_resource_id
    assert arn is not None
    status, out, err = await cli(endpoint, "sagemaker", "describe-training-job", "--name", arn)
    assert status == 0, err
    header, row = out.splitlines()
    assert header.split() == [
        "Name", "Status", "Created", "Ended", "Secondary", "Status", "Failure", "Reason", "Arn",
    ]  # fmt: skip
    assert "Failed" in row and "AlgorithmError" in row and arn in row
    status, out, _ = await cli(endpoint, "sagemaker", "list-training-jobs", "--status", "Failed")
    assert status == 0 and len(out.splitlines()) == 1 + 2
    status, out, _ = await cli(endpoint, "sagemaker", "list-training-jobs", "--json")
    assert {json.loads(line)["TrainingJobStatus"] for line in out.splitlines()} == {"Failed"}
    status, _, err = await cli(endpoint, "sagemaker", "list-training-jobs", "--status", "Done")
    assert status == 2 and "--status" in err


async def test_jobs_in_several_queues_are_all_found_by_listing(
    endpoint: LocalAws, session: Session
) -> None:
    # 50 + 150: after queue-b's first page, 150 jobs were seen in all but not all of its own.
    outcomes = await submit(session, 50, "queue-a") + await submit(session, 150, "queue-b")
    endpoint.stats.reset()
    _, updates = await watch_all(session, outcomes)
    assert len(finals(updates)) == 200
    assert endpoint.stats.received["DescribeServiceJob"] == 0


@pytest.mark.timeout(60)
async def test_a_wrong_job_queue_costs_one_describe_per_job_not_one_per_look() -> None:
    # Jobs running for seconds, not a fraction of one: the watch looks several times even
    # on a loaded machine, and only the first look describes.
    slow = LocalAws(durations=Durations.uniform(0.5), seed=11)
    async with slow as endpoint, endpoint.session() as session:
        outcomes = await submit(session, 30)
        ids = [outcome.response.job_id for outcome in outcomes]
        endpoint.stats.reset()
        watching, updates = await watch_all(session, ids, job_queue="no-such-queue")
    assert {u.status for u in finals(updates).values()} == {"SUCCEEDED"}
    assert watching.cycles >= 2
    assert endpoint.stats.received["DescribeServiceJob"] == 30


async def test_a_describe_failing_past_give_up_after_ends_the_watch_with_nothing_left_sending(
    endpoint: LocalAws,
) -> None:
    async with endpoint.session(config=Config(max_attempts=1)) as session:
        ids = [outcome.response.job_id for outcome in await submit(session, 60)]
        endpoint.faults.set(server_error=1.0, operation="DescribeServiceJob")
        with pytest.raises(EndpointUnreachable):
            await watch_all(session, ids, give_up_after=0.01)
        await asyncio.sleep(0.3)
        # What was in flight when the first failed may still arrive; nothing is sent after.
        sent = endpoint.stats.received["DescribeServiceJob"]
        assert sent <= 2 * DESCRIBE_CONCURRENCY
        await asyncio.sleep(0.3)
        assert endpoint.stats.received["DescribeServiceJob"] == sent


async def test_a_listing_that_never_advances_ends_the_watch(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply({"jobSummaryList": [], "nextToken": "same-token"})
    async with make_session() as session:
        with pytest.raises(PaginationError, match="handed out before"):
            await watch_all(session, ["job-1"], job_queue="ml-queue")
    assert len(server.received) == 2  # the page, then the one that gave the token back
