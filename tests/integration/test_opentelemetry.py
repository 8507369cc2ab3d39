"""OpenTelemetryInterceptor, read back through the OpenTelemetry SDK's in-memory exporters."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from support import ACCESS_KEY, SECRET_KEY, LoopbackServer, error_reply, json_reply

from aws_mlops_async import ServiceError, Session
from aws_mlops_async.contrib.opentelemetry import OpenTelemetryInterceptor

SUBMITTED = {"jobName": "train-1", "jobId": "job-1", "jobArn": "arn:aws:batch:us-east-1:1:job/j"}
JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": json.dumps({"HyperParameters": {"pw": "s3cr3t-payload"}}),
}
TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN"
SENSITIVE = "hunter2-notebook-parameter"


class Telemetry:
    """A tracer and a meter provider whose output the test reads."""

    def __init__(self) -> None:
        self.spans = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.spans))
        self.metrics = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.metrics])
        self.interceptor = OpenTelemetryInterceptor(
            tracer_provider=self.tracer_provider, meter_provider=self.meter_provider
        )

    def points(self) -> dict[str, list[Any]]:
        """Each metric's data points, by name."""
        data = self.metrics.get_metrics_data()
        found: dict[str, list[Any]] = {}
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    found.setdefault(metric.name, []).extend(metric.data.data_points)
        return found

    def everything(self) -> str:
        """Every span, event and metric point as text, to look for what must not be there."""
        spans = [span.to_json() for span in self.spans.get_finished_spans()]
        data = self.metrics.get_metrics_data()
        return "\n".join(spans) + (data.to_json() if data else "")


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    made = Telemetry()
    yield made
    made.tracer_provider.shutdown()
    made.meter_provider.shutdown()


async def test_a_call_is_one_client_span_with_the_semantic_attributes(
    server: LoopbackServer, make_session: Callable[..., Session], telemetry: Telemetry
) -> None:
    server.default = json_reply(SUBMITTED, headers={"x-amzn-RequestId": "req-1"})
    async with make_session(interceptors=[telemetry.interceptor]) as session:
        await session.batch.submit_service_job(**JOB)
    (span,) = telemetry.spans.get_finished_spans()
    assert span.name == "Batch.SubmitServiceJob"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes or {}) == {
        "rpc.system": "aws-api",
        "rpc.service": "Batch",
        "rpc.method": "SubmitServiceJob",
        "cloud.region": "us-east-1",
        "aws.request_id": "req-1",
        "http.response.status_code": 200,
    }
    assert span.status.status_code is StatusCode.UNSET
    assert span.events == ()


NOTEBOOK_RUN = {
    "id": "run1",
    "domainId": "dzd_abc123",
    "owningProjectId": "prj",
    "notebookId": "nb",
    "status": "RUNNING",
}


@pytest.mark.parametrize(
    ("client", "call", "body", "name"),
    [
        (
            "sagemaker",
            lambda c: c.describe_image_version(image_name="i"),
            {},
            "SageMaker.DescribeImageVersion",
        ),
        (
            "datazone",
            lambda c: c.get_notebook_run(domain_identifier="dzd_abc123", identifier="run1"),
            NOTEBOOK_RUN,
            "DataZone.GetNotebookRun",
        ),
        (
            "lookoutvision",
            lambda c: c.describe_model_packaging_job(project_name="p", job_name="j"),
            {},
            "LookoutVision.DescribeModelPackagingJob",
        ),
    ],
)
async def test_spans_are_named_by_service_id_and_operation(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    telemetry: Telemetry,
    client: str,
    call: Callable[[Any], Any],
    body: dict[str, Any],
    name: str,
) -> None:
    server.default = json_reply(body)
    async with make_session(interceptors=[telemetry.interceptor]) as session:
        await call(getattr(session, client))
    (span,) = telemetry.spans.get_finished_spans()
    assert span.name == name
    assert span.attributes is not None and span.attributes["rpc.service"] == name.split(".")[0]


async def test_retries_become_events_and_failures_set_error_type(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    telemetry: Telemetry,
    no_sleep: list[float],
) -> None:
    server.default = error_reply("ThrottlingException", 400)
    async with make_session(interceptors=[telemetry.interceptor]) as session:
        with pytest.raises(ServiceError):
            await session.batch.submit_service_job(**JOB)
    (span,) = telemetry.spans.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "ThrottlingException"
    assert span.attributes["http.response.status_code"] == 400
    assert span.attributes["aws.request_id"] == "req-ThrottlingException"
    assert [event.name for event in span.events] == ["retry", "retry"]
    assert [event.attributes["aws.attempt"] for event in span.events] == [1, 2]  # type: ignore[index]
    delays = [event.attributes["aws.retry_delay"] for event in span.events]  # type: ignore[index]
    assert delays == pytest.approx(no_sleep[:2])
    points = telemetry.points()
    assert sum(point.value for point in points["aws.client.attempts"]) == 3
    assert sum(point.value for point in points["aws.client.throttling_errors"]) == 3
    (duration,) = points["aws.client.call.duration"]
    assert duration.count == 1
    assert duration.attributes["rpc.method"] == "SubmitServiceJob"
    assert duration.attributes["error.type"] == "ThrottlingException"


async def test_spans_nest_under_the_callers_span(
    server: LoopbackServer, make_session: Callable[..., Session], telemetry: Telemetry
) -> None:
    server.default = json_reply(SUBMITTED)
    tracer = telemetry.tracer_provider.get_tracer("test")
    async with make_session(interceptors=[telemetry.interceptor]) as session:
        with tracer.start_as_current_span("GET /jobs") as parent:
            await session.batch.submit_service_job(**JOB)
            await session.batch.submit_service_job(**JOB)
    calls = [s for s in telemetry.spans.get_finished_spans() if s.name != "GET /jobs"]
    assert len(calls) == 2
    for call in calls:
        assert call.parent is not None
        assert call.parent.span_id == parent.get_span_context().span_id


async def test_no_secret_or_content_reaches_spans_events_or_metrics(
    server: LoopbackServer,
    make_session: Callable[..., Session],
    telemetry: Telemetry,
    no_sleep: list[float],
) -> None:
    run = {**NOTEBOOK_RUN, "parameters": {"password": SENSITIVE}}
    server.script = [error_reply("ServiceUnavailable", 503), json_reply(SUBMITTED)]
    server.default = json_reply(run)
    async with make_session(
        aws_session_token=TOKEN, interceptors=[telemetry.interceptor]
    ) as session:
        await session.batch.submit_service_job(**JOB)
        got = await session.datazone.get_notebook_run(
            domain_identifier="dzd_abc123", identifier="run1"
        )
    assert got.parameters is not None  # the sensitive member was read, and kept out of spans
    text = telemetry.everything()
    signatures = [r.headers["Authorization"].rsplit("=", 1)[1] for r in server.received]
    for secret in (SECRET_KEY, ACCESS_KEY, TOKEN, SENSITIVE, "s3cr3t-payload", *signatures):
        assert secret not in text
    assert "Batch.SubmitServiceJob" in text and "DataZone.GetNotebookRun" in text


async def test_a_call_refused_as_invalid_is_a_span_with_its_error_type(
    server: LoopbackServer, make_session: Callable[..., Session], telemetry: Telemetry
) -> None:
    from aws_mlops_async import ValidationError

    async with make_session(interceptors=[telemetry.interceptor]) as session:
        with pytest.raises(ValidationError):
            await session.batch.submit_service_job(**{**JOB, "scheduling_priority": -1})
    (span,) = telemetry.spans.get_finished_spans()
    assert span.name == "Batch.SubmitServiceJob"
    assert (span.attributes or {})["error.type"] == "ValidationError"
    assert span.status.status_code is StatusCode.ERROR
    assert server.received == []  # nothing was sent


async def test_the_span_ends_and_stops_being_current_when_another_interceptor_fails(
    server: LoopbackServer, make_session: Callable[..., Session], telemetry: Telemetry
) -> None:
    from opentelemetry import trace

    class Failing:
        def before_call(self, context: Any) -> None:
            raise RuntimeError("another interceptor fails")

    server.default = json_reply(SUBMITTED)
    before = trace.get_current_span()
    async with make_session(interceptors=[telemetry.interceptor, Failing()]) as session:
        with pytest.raises(RuntimeError, match="another interceptor fails"):
            await session.batch.submit_service_job(**JOB)
        assert trace.get_current_span() is before  # not left current
    (span,) = telemetry.spans.get_finished_spans()  # ended
    assert (span.attributes or {})["error.type"] == "RuntimeError"
    assert span.parent is None
