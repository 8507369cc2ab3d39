"""Two OpenTelemetryInterceptors on one call (the Session's, and a client's own given to
with_options, e.g. for a second tracer provider) leave a span that is never ended and stays
the current span after the call.

Both keep their state under the same key of CallContext.data ("opentelemetry"): the second
before_call overwrites the first's (span, token); the first after_call ends the second span and
detaches its token; the second after_call finds nothing. The first span is never ended, its
context never detached.

Promise (CHANGELOG, Unreleased): "a span is always ended and stops being current";
interceptors.py: "one context serves all the hooks of a call, so an interceptor can keep its own
state in data"; OpenTelemetryInterceptor.after_call: "End the span".

Observed: after `await batch.submit_service_job(...)`, trace.get_current_span() is a recording
"Batch.SubmitServiceJob" span; provider 1 exported 0 spans after 2 calls; the next calls'
spans are children of the leaked one.
"""

from __future__ import annotations

import pytest
from attack_support import JOB, mock_session
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from aws_mlops_async.contrib.opentelemetry import OpenTelemetryInterceptor


def provider() -> tuple[TracerProvider, InMemorySpanExporter]:
    tracer_provider, exporter = TracerProvider(), InMemorySpanExporter()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    return tracer_provider, exporter


@pytest.mark.timeout(30)
async def test_two_otel_interceptors_end_their_spans_and_restore_the_context() -> None:
    first, first_spans = provider()
    second, second_spans = provider()
    async with mock_session(interceptors=[OpenTelemetryInterceptor(tracer_provider=first)]) as s:
        batch = s.batch.with_options(
            interceptors=[OpenTelemetryInterceptor(tracer_provider=second)]
        )
        before = trace.get_current_span()
        for _ in range(2):
            await batch.submit_service_job(**JOB)
        after = trace.get_current_span()
        print("current span after the calls:", after, "recording:", after.is_recording())
        print(
            "spans exported:",
            len(first_spans.get_finished_spans()),
            len(second_spans.get_finished_spans()),
        )
        assert after is before
        assert len(first_spans.get_finished_spans()) == 2
        assert len(second_spans.get_finished_spans()) == 2
