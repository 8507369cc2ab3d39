"""Interceptors around a call: every ending seen, a refused call included, and every
``after_call`` run whose ``before_call`` was called, whatever another interceptor does."""

from __future__ import annotations

from typing import Any

import pytest
from multidict import CIMultiDict
from support import ACCESS_KEY, SECRET_KEY

from aws_mlops_async import NoRegionError, Session, ValidationError
from aws_mlops_async.interceptors import CallContext, Hooks, check_interceptors
from aws_mlops_async.protocol import HttpResponse
from aws_mlops_async.transport import MockTransport, TransportRequest

pytestmark = pytest.mark.timeout(30)

JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": "{}",
}


def submitted(request: TransportRequest) -> HttpResponse:
    headers = CIMultiDict({"x-amzn-RequestId": "r1"})
    return HttpResponse(200, headers, b'{"jobName":"t","jobId":"j"}')


class Recorder:
    def __init__(self, name: str, seen: list[tuple[str, ...]], fail_in: str | None = None):
        self.name, self.seen, self.fail_in = name, seen, fail_in

    def _note(self, hook: str, context: CallContext) -> None:
        ending = type(context.error).__name__ if context.error else "-"
        self.seen.append((self.name, hook, ending))
        if hook == self.fail_in:
            raise RuntimeError(f"{self.name} fails in {hook}")

    def before_call(self, context: CallContext) -> None:
        self._note("before_call", context)

    async def after_call(self, context: CallContext) -> None:
        self._note("after_call", context)


def session_with(*interceptors: Any, **options: Any) -> Session:
    options.setdefault("region_name", "us-east-1")
    return Session(
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        transport=MockTransport(submitted),
        interceptors=list(interceptors),
        **options,
    )


async def test_a_call_refused_as_invalid_runs_before_and_after_call() -> None:
    seen: list[tuple[str, ...]] = []
    contexts: list[CallContext] = []

    class Keep:
        def after_call(self, context: CallContext) -> None:
            contexts.append(context)

    async with session_with(Recorder("a", seen), Keep()) as session:
        with pytest.raises(ValidationError):
            await session.batch.submit_service_job(**{**JOB, "job_name": "no spaces"})
    assert seen == [("a", "before_call", "-"), ("a", "after_call", "ValidationError")]
    [context] = contexts
    assert context.request is None and context.attempt == 0  # nothing was sent
    assert context.region == "us-east-1"


async def test_a_call_with_no_region_is_seen_refused_too(isolated_aws_env: Any) -> None:
    seen: list[tuple[str, ...]] = []
    async with session_with(Recorder("a", seen), region_name=None) as session:
        with pytest.raises(NoRegionError):
            await session.batch.submit_service_job(**JOB)
    assert seen == [("a", "before_call", "-"), ("a", "after_call", "NoRegionError")]


async def test_a_failing_before_call_still_ends_the_ones_that_began() -> None:
    seen: list[tuple[str, ...]] = []
    first, second, third = (
        Recorder("first", seen),
        Recorder("second", seen, fail_in="before_call"),
        Recorder("third", seen),
    )
    async with session_with(first, second, third) as session:
        with pytest.raises(RuntimeError, match="second fails in before_call"):
            await session.batch.submit_service_job(**JOB)
    # The third never began, so it is not ended; the first two are, with the failure, the
    # last to begin first.
    assert seen == [
        ("first", "before_call", "-"),
        ("second", "before_call", "-"),
        ("second", "after_call", "RuntimeError"),
        ("first", "after_call", "RuntimeError"),
    ]


async def test_a_failing_after_call_lets_every_other_after_call_run() -> None:
    seen: list[tuple[str, ...]] = []
    first, second = Recorder("first", seen, fail_in="after_call"), Recorder("second", seen)
    async with session_with(first, second) as session:
        with pytest.raises(RuntimeError, match="first fails in after_call"):
            await session.batch.submit_service_job(**JOB)
    assert [hook for _, hook, _ in seen] == ["before_call"] * 2 + ["after_call"] * 2


async def test_the_hooks_see_the_result_and_its_metadata() -> None:
    contexts: list[CallContext] = []

    class Keep:
        def after_call(self, context: CallContext) -> None:
            contexts.append(context)

    async with session_with(Keep()) as session:
        job = await session.batch.submit_service_job(**JOB)
    [context] = contexts
    assert context.result is job and context.error is None
    assert context.response_metadata is not None
    assert context.response_metadata.request_id == "r1"
    assert context.request is not None and context.request.job_name == "train-1"


def test_hooks_are_found_once_and_only_objects_with_hooks_are_interceptors() -> None:
    class OnlyAfter:
        def after_attempt(self, context: CallContext) -> None: ...

    hooks = Hooks(check_interceptors([OnlyAfter()]))
    assert len(hooks.after_attempt) == 1 and not hooks.before_attempt
    with pytest.raises(ValueError, match="is not an interceptor"):
        check_interceptors([object()])
    with pytest.raises(ValueError, match="a list of interceptor objects"):
        check_interceptors("not a list")


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Trace": "a\r\nX-Injected: 1"},
        {"X-Trace": "nul\x00"},
        {"Bad Name": "v"},
        {"Authorization": "mine"},
        {"X-Amz-Date": "20260101T000000Z"},
        {"X-Trace": 5},
    ],
)
async def test_headers_an_interceptor_adds_are_validated(headers: dict[str, Any]) -> None:
    class Adds:
        def before_attempt(self, context: CallContext) -> None:
            context.request_headers.update(headers)

    transport = MockTransport(submitted)
    async with Session(
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        transport=transport,
        interceptors=[Adds()],
    ) as session:
        with pytest.raises(ValidationError, match="request_headers"):
            await session.batch.submit_service_job(**JOB)
    assert transport.requests == []


async def test_no_repr_of_what_an_interceptor_sees_shows_a_sensitive_member() -> None:
    secret = "hunter2-notebook-parameter"
    seen: list[str] = []

    class Looks:
        def after_attempt(self, context: CallContext) -> None:
            seen.append(repr(context))
            seen.append(str(context.http_response))

        def after_call(self, context: CallContext) -> None:
            seen.append(repr(context))
            seen.append(repr(context.result))

    def run_started(request: TransportRequest) -> HttpResponse:
        body = (
            '{"id": "run-1", "domainId": "dzd_1", "owningProjectId": "p",'
            ' "status": "QUEUED", "notebookId": "nb", "createdAt": 1,'
            f' "parameters": {{"password": "{secret}"}}}}'
        )
        return HttpResponse(200, CIMultiDict(), body.encode())

    async with Session(
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        transport=MockTransport(run_started),
        interceptors=[Looks()],
    ) as session:
        run = await session.datazone.start_notebook_run(
            domain_identifier="dzd_1",
            notebook_identifier="nb",
            owning_project_identifier="p",
            parameters={"password": secret},
        )
    assert run.parameters is not None and run.parameters.get_secret_value() == {"password": secret}
    assert seen and not any(secret in text for text in seen), seen
    assert not any(SECRET_KEY in text for text in seen)
