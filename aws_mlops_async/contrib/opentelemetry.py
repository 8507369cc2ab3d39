"""Traces and metrics of every call through OpenTelemetry (extra ``aws-mlops-async[otel]``).

    from aws_mlops_async.contrib.opentelemetry import OpenTelemetryInterceptor

    async with Session(interceptors=[OpenTelemetryInterceptor()]) as session: ...

Each call is one span of kind CLIENT named ``<ServiceId>.<Operation>`` (``Batch.SubmitServiceJob``),
a child of the span current when the call starts (a FastAPI request's, for instance), with the
semantic conventions' attributes for AWS SDK calls: ``rpc.system`` (``aws-api``),
``rpc.service``, ``rpc.method``, ``cloud.region``, ``aws.request_id``,
``http.response.status_code``, and ``error.type`` when the call fails. Each attempt that is
retried adds a ``retry`` event (attempt, error, delay). Metrics: the histogram
``aws.client.call.duration`` (seconds) and the counters ``aws.client.attempts`` and
``aws.client.throttling_errors``, per service and operation.

No request or response content goes into a span, an event or a metric: only the names, ids,
codes and numbers above.
"""

from __future__ import annotations

import time
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from .._version import __version__
from ..arguments import with_methods
from ..errors import ServiceError
from ..interceptors import CallContext

__all__ = ["OpenTelemetryInterceptor"]

_SCOPE = "aws_mlops_async"


class OpenTelemetryInterceptor:
    """An interceptor tracing each call as a span and counting its attempts, throttles and
    duration (the global providers when none are given)."""

    def __init__(
        self,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        # Each interceptor keeps its call's span under a key of its own: two of them (the
        # Session's and a client's own) never end each other's spans.
        self._key = f"opentelemetry-{id(self)}"
        tracers = "a TracerProvider (an object with get_tracer())"
        with_methods("tracer_provider", tracer_provider, ("get_tracer",), tracers, optional=True)
        meters = "a MeterProvider (an object with get_meter())"
        with_methods("meter_provider", meter_provider, ("get_meter",), meters, optional=True)
        self._tracer = trace.get_tracer(_SCOPE, __version__, tracer_provider)
        meter = metrics.get_meter(_SCOPE, __version__, meter_provider)
        self._duration = meter.create_histogram(
            "aws.client.call.duration",
            unit="s",
            description="Duration of AWS calls, retries included",
        )
        self._attempts = meter.create_counter(
            "aws.client.attempts", unit="{attempt}", description="HTTP attempts of AWS calls"
        )
        self._throttles = meter.create_counter(
            "aws.client.throttling_errors",
            unit="{error}",
            description="Attempts the service answered with a throttling error",
        )

    def before_call(self, context: CallContext) -> None:
        """Start the call's span, as the current one, under the caller's."""
        attributes = {
            "rpc.system": "aws-api",
            "rpc.service": context.service_id,
            "rpc.method": context.operation,
        }
        if context.region is not None:  # None when it could not be resolved
            attributes["cloud.region"] = context.region
        span = self._tracer.start_span(
            f"{context.service_id}.{context.operation}", kind=SpanKind.CLIENT, attributes=attributes
        )
        token = otel_context.attach(trace.set_span_in_context(span))
        context.data[self._key] = (span, token, time.perf_counter())

    def after_attempt(self, context: CallContext) -> None:
        """Count the attempt (and its throttling); an event on the span when it is retried."""
        labels = _labels(context)
        self._attempts.add(1, labels)
        error = context.error
        if error is None:
            return
        if getattr(error, "throttling", False):
            self._throttles.add(1, labels)
        state = context.data.get(self._key)
        if state is not None and context.retry_delay is not None:
            state[0].add_event(
                "retry",
                {
                    "aws.attempt": context.attempt,
                    "error.type": _error_type(error),
                    "aws.retry_delay": context.retry_delay,
                },
            )

    def after_call(self, context: CallContext) -> None:
        """End the span with the request id and status, and record the call's duration."""
        state = context.data.pop(self._key, None)
        if state is None:
            return
        span, token, started = state
        labels = _labels(context)
        metadata = context.response_metadata
        if metadata is not None:
            if metadata.request_id:
                span.set_attribute("aws.request_id", metadata.request_id)
            span.set_attribute("http.response.status_code", metadata.http_status_code)
        error = context.error
        if error is not None:
            error_type = _error_type(error)
            labels["error.type"] = error_type
            span.set_attribute("error.type", error_type)
            span.set_status(Status(StatusCode.ERROR, error_type))
        try:
            otel_context.detach(token)
        finally:
            span.end()
            self._duration.record(time.perf_counter() - started, labels)


def _labels(context: CallContext) -> dict[str, Any]:
    return {
        "rpc.system": "aws-api",
        "rpc.service": context.service_id,
        "rpc.method": context.operation,
    }


def _error_type(error: BaseException) -> str:
    """A low-cardinality name for the failure: the service's error code, else our class."""
    return error.code if isinstance(error, ServiceError) else type(error).__name__
