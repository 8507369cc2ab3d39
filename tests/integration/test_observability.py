"""Response metadata, per-call options, interceptors and log fields, over a loopback server."""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import time
from collections.abc import Callable
from typing import Any

import pytest
from support import (
    ACCESS_KEY,
    SECRET_KEY,
    LoopbackServer,
    delay,
    error_reply,
    json_reply,
    raw_reply,
)

from aws_mlops_async import Config, ConfigurationError, ServiceError, Session, Timeout
from aws_mlops_async.interceptors import CallContext
from aws_mlops_async.services.batch.errors import ClientException
from aws_mlops_async.services.batch.models import SubmitServiceJobResponse
from aws_mlops_async.services.lookoutvision.errors import (
    ConflictException,
    InternalServerException,
)

SUBMITTED = {"jobName": "train-1", "jobId": "job-1", "jobArn": "arn:aws:batch:us-east-1:1:job/j"}
JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": '{"TrainingJobName": "train-1"}',
}
TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN"


def ok(request_id: str = "req-final", **headers: str) -> Any:
    return json_reply(SUBMITTED, headers={"x-amzn-RequestId": request_id, **headers})


# ---- response metadata -----------------------------------------------------------------


async def test_a_result_carries_the_final_request_id_attempts_and_backoff(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.script = [error_reply("ServiceUnavailable", 503)]
    server.default = ok("req-final", **{"x-amz-id-2": "ext-2", "X-Custom": "v"})
    async with make_session() as session:
        job = await session.batch.submit_service_job(**JOB)
    metadata = job.response_metadata
    assert metadata.request_id == "req-final"
    assert metadata.extended_request_id == "ext-2"
    assert metadata.http_status_code == 200
    assert metadata.attempts == 2
    assert metadata.retry_delay == pytest.approx(sum(no_sleep)) and no_sleep
    assert metadata.http_headers["x-custom"] == metadata.http_headers["X-CUSTOM"] == "v"
    with pytest.raises(TypeError):
        metadata.http_headers["X-Custom"] = "changed"  # type: ignore[index]


async def test_the_first_attempt_succeeding_counts_one_and_no_backoff(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply(SUBMITTED, headers={"x-amz-request-id": "s3-style"})
    async with make_session() as session:
        job = await session.batch.submit_service_job(**JOB)
    assert (job.response_metadata.attempts, job.response_metadata.retry_delay) == (1, 0.0)
    assert job.response_metadata.request_id == "s3-style"


async def test_metadata_is_no_part_of_the_model(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = ok()
    async with make_session() as session:
        job = await session.batch.submit_service_job(**JOB)
    built = SubmitServiceJobResponse.model_validate(SUBMITTED)
    assert job == built
    assert job.model_dump() == built.model_dump()
    assert "req-final" not in job.model_dump_json() and "req-final" not in repr(job)
    unpickled = pickle.loads(pickle.dumps(job))
    assert unpickled == job
    with pytest.raises(AttributeError, match="not read from a response"):
        _ = unpickled.response_metadata
    with pytest.raises(AttributeError, match="not read from a response"):
        _ = built.response_metadata


async def test_each_page_carries_its_own_metadata(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.script = [
        json_reply({"ImageVersions": [], "NextToken": "t"}, headers={"x-amzn-RequestId": "p1"}),
        json_reply({"ImageVersions": []}, headers={"x-amzn-RequestId": "p2"}),
    ]
    async with make_session() as session:
        pages = session.sagemaker.get_paginator("list_image_versions").paginate(image_name="img")
        ids = [page.response_metadata.request_id async for page in pages]
    assert ids == ["p1", "p2"]


async def test_a_service_error_carries_metadata_raw_body_and_members(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    body = {"message": "queue ml-queue does not exist"}
    server.default = json_reply(
        body,
        status=400,
        headers={"x-amzn-ErrorType": "ClientException", "x-amzn-RequestId": "req-err"},
    )
    async with make_session() as session:
        with pytest.raises(ClientException) as caught:
            await session.batch.submit_service_job(**JOB)
    error = caught.value
    assert error.response_metadata is not None
    assert error.response_metadata.request_id == error.request_id == "req-err"
    assert error.response_metadata.http_status_code == 400
    assert error.response_metadata.attempts == 1
    assert json.loads(error.raw_body) == body
    assert error.members is not None and error.members.message == body["message"]  # type: ignore[attr-defined]
    assert "raw_body" not in repr(error) and repr(error.raw_body) not in str(error)


async def test_modeled_error_members_are_read_with_the_error_shape_body_and_headers(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.script = [
        json_reply(
            {"Message": "busy", "ResourceId": "proj", "ResourceType": "PROJECT"},
            status=409,
            headers={"x-amzn-ErrorType": "ConflictException"},
        ),
        json_reply(
            {"Message": "down"},
            status=500,
            headers={"x-amzn-ErrorType": "InternalServerException", "Retry-After": "7"},
        ),
        json_reply(
            {"Message": "new", "ResourceType": "SOMETHING_NEW", "Unknown": 1},
            status=409,
            headers={"x-amzn-ErrorType": "ConflictException"},
        ),
    ]
    packaging = {"project_name": "proj", "job_name": "job"}
    async with make_session(config=Config(max_attempts=1)) as session:
        lookoutvision = session.lookoutvision
        with pytest.raises(ConflictException) as conflict:
            await lookoutvision.describe_model_packaging_job(**packaging)
        with pytest.raises(InternalServerException) as internal:
            await lookoutvision.describe_model_packaging_job(**packaging)
        with pytest.raises(ConflictException) as newer:
            await lookoutvision.describe_model_packaging_job(**packaging)
    members: Any = conflict.value.members
    assert (members.resource_id, members.resource_type) == ("proj", "PROJECT")
    assert internal.value.members.retry_after_seconds == 7  # type: ignore[union-attr]
    assert newer.value.members.resource_type == "SOMETHING_NEW"  # type: ignore[union-attr]


async def test_an_unmodeled_error_has_no_members_and_a_capped_body(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    huge = b"x" * (1024 * 1024)
    server.default = raw_reply(huge, 400, {"x-amzn-ErrorType": "Whatever"})
    async with make_session() as session:
        with pytest.raises(ServiceError) as caught:
            await session.batch.submit_service_job(**JOB)
    assert caught.value.members is None
    assert caught.value.raw_body == huge[: 64 * 1024]
    assert len(str(caught.value)) < 500


async def test_a_retried_error_counts_every_attempt_and_pickles_with_its_metadata(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.default = error_reply("ServiceUnavailable", 503)
    async with make_session() as session:
        with pytest.raises(ServiceError) as caught:
            await session.batch.submit_service_job(**JOB)
    metadata = caught.value.response_metadata
    assert metadata is not None and metadata.attempts == 3 == caught.value.attempts
    assert metadata.retry_delay == pytest.approx(sum(no_sleep[:2]))
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.response_metadata == metadata
    assert copy.response_metadata.http_headers["X-AMZN-REQUESTID"] == "req-ServiceUnavailable"


# ---- per-call options ------------------------------------------------------------------


async def test_with_options_max_attempts_1_sends_once_and_the_original_still_retries(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.default = error_reply("ServiceUnavailable", 503)
    async with make_session() as session:
        batch = session.batch
        once = batch.with_options(max_attempts=1)
        assert type(once) is type(batch) and once.session is session
        with pytest.raises(ServiceError):
            await once.submit_service_job(**JOB)
        assert len(server.received) == 1
        with pytest.raises(ServiceError):
            await batch.submit_service_job(**JOB)
        assert len(server.received) == 1 + 3
        assert batch.options.retry.max_attempts == 3


async def test_with_options_shares_the_pool_and_keeps_what_is_not_given(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = ok()
    async with make_session(config=Config(read_timeout=9.0)) as session:
        batch = session.batch
        slow = batch.with_options(connect_timeout=None, call_timeout=30)
        assert slow.options.retry is batch.options.retry  # the same retry quota
        assert slow.options.timeouts.read == 9.0
        assert slow.options.timeouts.connect is None
        assert slow.options.call_timeout == 30
        await slow.submit_service_job(**JOB)
        await batch.submit_service_job(**JOB)
        assert session.http_session().connector is not None
        assert len(server.received) == 2
        other = batch.with_options(retry_mode="adaptive")
        assert other.options.retry is not batch.options.retry
        assert other.options.retry.limiter is not None


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"retry_mode": "eager"}, "retry_mode"),
        ({"call_timeout": 0}, "call_timeout"),
        ({"read_timeout": -1}, "read_timeout"),
        ({"interceptors": "not a list"}, "interceptors"),
        ({"interceptors": [object()]}, "not an interceptor"),
    ],
)
async def test_with_options_refuses_bad_options_by_name(
    make_session: Callable[..., Session], options: dict[str, Any], message: str
) -> None:
    async with make_session() as session:
        with pytest.raises(ConfigurationError, match=message):
            session.batch.with_options(**options)


async def test_with_options_refuses_an_unknown_option(
    make_session: Callable[..., Session],
) -> None:
    async with make_session() as session:
        with pytest.raises(TypeError):
            session.batch.with_options(max_retries=2)  # type: ignore[call-arg]


async def test_call_timeout_bounds_a_call_whose_every_attempt_is_slow(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = delay(5.0, ok())
    config = Config(read_timeout=0.2, call_timeout=0.6, max_attempts=10)
    async with make_session(config=config) as session:
        started = time.monotonic()
        with pytest.raises(Timeout, match="call timeout") as caught:
            await session.batch.submit_service_job(**JOB)
        elapsed = time.monotonic() - started
    assert caught.value.reason == "call timeout"
    assert 0.5 < elapsed < 2.0
    assert 1 <= len(server.received) < 10


async def test_with_options_call_timeout_applies_to_that_client_only(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = delay(0.5, ok())
    async with make_session() as session:
        with pytest.raises(Timeout):
            await session.batch.with_options(call_timeout=0.1).submit_service_job(**JOB)
        job = await session.batch.submit_service_job(**JOB)
    assert job.job_id == "job-1"


# ---- interceptors ----------------------------------------------------------------------


class Recorder:
    """An interceptor writing down each hook it sees."""

    def __init__(self, name: str, seen: list[tuple[Any, ...]]) -> None:
        self.name = name
        self.seen = seen

    def before_call(self, context: CallContext) -> None:
        self.seen.append((self.name, "before_call", context.operation, context.region))

    async def before_attempt(self, context: CallContext) -> None:
        await asyncio.sleep(0)
        self.seen.append((self.name, "before_attempt", context.attempt))

    def after_attempt(self, context: CallContext) -> None:
        status = context.http_response.status if context.http_response else None
        self.seen.append((self.name, "after_attempt", context.attempt, status, context.retry_delay))

    async def after_call(self, context: CallContext) -> None:
        outcome = type(context.result or context.error).__name__
        assert context.response_metadata is not None
        self.seen.append((self.name, "after_call", outcome, context.response_metadata.request_id))


async def test_interceptors_run_in_order_session_first_sync_and_async(
    server: LoopbackServer, make_session: Callable[..., Session], no_sleep: list[float]
) -> None:
    server.script = [error_reply("ServiceUnavailable", 503)]
    server.default = ok()
    seen: list[tuple[Any, ...]] = []
    async with make_session(interceptors=[Recorder("session", seen)]) as session:
        batch = session.batch.with_options(interceptors=[Recorder("client", seen)])
        await batch.submit_service_job(**JOB)
    delay_chosen = no_sleep[0]
    assert seen == [
        ("session", "before_call", "SubmitServiceJob", "us-east-1"),
        ("client", "before_call", "SubmitServiceJob", "us-east-1"),
        ("session", "before_attempt", 1),
        ("client", "before_attempt", 1),
        ("session", "after_attempt", 1, 503, delay_chosen),
        ("client", "after_attempt", 1, 503, delay_chosen),
        ("session", "before_attempt", 2),
        ("client", "before_attempt", 2),
        ("session", "after_attempt", 2, 200, None),
        ("client", "after_attempt", 2, 200, None),
        # after_call in the reverse order: the last to begin ends first.
        ("client", "after_call", "SubmitServiceJobResponse", "req-final"),
        ("session", "after_call", "SubmitServiceJobResponse", "req-final"),
    ]


async def test_a_failed_call_reaches_after_call_with_its_final_error(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = error_reply("ClientException", 400)
    seen: list[tuple[Any, ...]] = []
    async with make_session(interceptors=[Recorder("only", seen)]) as session:
        with pytest.raises(ClientException):
            await session.batch.submit_service_job(**JOB)
    assert seen[-2:] == [
        ("only", "after_attempt", 1, 400, None),
        ("only", "after_call", "ClientException", "req-ClientException"),
    ]


async def test_headers_added_before_an_attempt_are_sent_and_signed(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    class Tagger:
        def before_attempt(self, context: CallContext) -> None:
            context.request_headers["X-Trace-Tag"] = f"attempt-{context.attempt}"

    server.default = ok()
    async with make_session(interceptors=[Tagger()]) as session:
        await session.batch.submit_service_job(**JOB)
    headers = server.received[0].headers
    assert headers["X-Trace-Tag"] == "attempt-1"
    assert "x-trace-tag" in headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]


class Boom(Exception):
    pass


async def test_an_interceptor_raising_before_an_attempt_ends_the_call_unsent(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    seen: list[tuple[Any, ...]] = []

    class Refuser:
        def before_attempt(self, context: CallContext) -> None:
            raise Boom("not today")

        def after_call(self, context: CallContext) -> None:
            seen.append(("after_call", type(context.error).__name__))

    server.default = ok()
    async with make_session(interceptors=[Refuser()]) as session:
        with pytest.raises(Boom, match="not today"):
            await session.batch.submit_service_job(**JOB)
    assert server.received == []
    assert seen == [("after_call", "Boom")]


async def test_an_interceptor_raising_after_the_call_replaces_its_result(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    class Rejecter:
        def after_call(self, context: CallContext) -> None:
            raise Boom("rejected")

    server.default = ok()
    async with make_session(interceptors=[Rejecter()]) as session:
        with pytest.raises(Boom, match="rejected"):
            await session.batch.submit_service_job(**JOB)
    assert len(server.received) == 1


async def test_the_context_holds_no_credentials_or_signature(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    contexts: list[str] = []

    class Snooper:
        def after_call(self, context: CallContext) -> None:
            contexts.append(repr(vars(context)) + repr(context.request.model_dump()))

    server.default = ok()
    async with make_session(aws_session_token=TOKEN, interceptors=[Snooper()]) as session:
        await session.batch.submit_service_job(**JOB)
    signature = server.received[0].headers["Authorization"].rsplit("Signature=", 1)[1]
    for secret in (SECRET_KEY, TOKEN, signature, ACCESS_KEY):
        assert secret not in contexts[0]


async def test_bulk_runs_and_paginators_use_the_clients_options(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    seen: list[tuple[Any, ...]] = []
    server.default = ok()
    async with make_session() as session:
        batch = session.batch.with_options(interceptors=[Recorder("c", seen)])
        async with batch.submit_service_jobs([JOB, JOB], concurrency=2) as run:
            outcomes = [outcome async for outcome in run]
        assert all(outcome.ok for outcome in outcomes)
        calls = [entry for entry in seen if entry[1] == "after_call"]
        assert len(calls) == 2
        seen.clear()
        server.default = json_reply({"jobSummaryList": []})
        pages = batch.get_paginator("list_service_jobs").paginate(job_queue="q")
        assert [page async for page in pages]
        assert [entry[1] for entry in seen].count("after_call") == 1


async def test_no_interceptors_means_no_hooks_on_the_path(
    make_session: Callable[..., Session],
) -> None:
    async with make_session() as session:
        assert not session.batch.options.hooks
        assert session.batch.options.call_timeout is None


# ---- logging ---------------------------------------------------------------------------


async def test_each_attempt_logs_its_facts_as_fields_and_no_secret(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    no_sleep: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    server.script = [error_reply("ServiceUnavailable", 503)]
    server.default = ok()
    caplog.set_level(logging.DEBUG, logger="aws_mlops_async")
    async with make_session(aws_session_token=TOKEN) as session:
        await session.batch.submit_service_job(**JOB)
    attempts = [r for r in caplog.records if getattr(r, "aws_attempt", None) is not None]
    fields = [
        (r.aws_operation, r.aws_attempt, r.aws_status, r.aws_request_id)  # type: ignore[attr-defined]
        for r in attempts
    ]
    assert fields == [
        ("SubmitServiceJob", 1, 503, "req-ServiceUnavailable"),
        ("SubmitServiceJob", 2, 200, "req-final"),
    ]
    assert all(isinstance(r.aws_elapsed_ms, float) for r in attempts)  # type: ignore[attr-defined]
    for record in caplog.records:
        text = record.getMessage() + repr(vars(record))
        assert SECRET_KEY not in text and TOKEN not in text


async def test_an_application_s_record_factory_never_collides_with_the_library_s_fields(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    no_sleep: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The logging cookbook's pattern for correlation ids: a record factory adding fields. It
    sets every name the library's records carry, and the library's own are left alone."""
    names = (
        "operation",
        "attempt",
        "status",
        "request_id",
        "elapsed_ms",
        "error",
        "aws_operation_id",
        "correlation_id",
    )
    original = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = original(*args, **kwargs)
        for name in names:
            setattr(record, name, "app")
        return record

    server.script = [error_reply("ServiceUnavailable", 503)]
    server.default = ok()
    caplog.set_level(logging.DEBUG, logger="aws_mlops_async")
    logging.setLogRecordFactory(factory)
    try:
        async with make_session() as session:
            await session.batch.submit_service_job(**JOB)
    finally:
        logging.setLogRecordFactory(original)
    attempts = [r for r in caplog.records if getattr(r, "aws_attempt", None) is not None]
    assert [r.aws_attempt for r in attempts] == [1, 2]  # type: ignore[attr-defined]
    assert all(r.request_id == "app" for r in attempts)  # type: ignore[attr-defined]
