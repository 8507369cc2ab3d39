"""A FastAPI service submitting and inspecting AWS Batch service jobs through one shared Session.

    pip install 'aws-mlops-async[fastapi,otel]' opentelemetry-instrumentation-fastapi uvicorn
    AWS_REGION=us-east-1 uvicorn examples.fastapi_app:app

Configured by the environment alone: with AWS_ENDPOINT_URL=http://127.0.0.1:4567 (and any
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) it serves from a running emulator
(`python -m aws_mlops_async.local`).

Every request is served by the same Session and so the same aiohttp connection pool.

Traced with OpenTelemetry: each HTTP request's span holds a span per AWS call it made
(``Batch.SubmitServiceJob``...). With no OpenTelemetry SDK configured this costs nothing;
run it under ``opentelemetry-instrument`` (or pass your providers to `create_app`) to export.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI, HTTPException
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.metrics import MeterProvider
from opentelemetry.trace import TracerProvider
from pydantic import BaseModel

from aws_mlops_async import ServiceError, ValidationError
from aws_mlops_async.contrib.fastapi import BatchDep, session_lifespan
from aws_mlops_async.contrib.opentelemetry import OpenTelemetryInterceptor
from aws_mlops_async.services.batch.models import ServiceJobStatus


class JobRequest(BaseModel):
    """What a caller posts: a SageMaker training job to queue."""

    job_name: str
    job_queue: str
    training_job: dict[str, Any]
    scheduling_priority: int | None = None


def create_app(
    tracer_provider: TracerProvider | None = None,
    meter_provider: MeterProvider | None = None,
    **session_options: Any,
) -> FastAPI:
    """The app, its Session opened with ``session_options`` at start-up and closed at shutdown,
    traced through the given OpenTelemetry providers (else the global ones)."""
    telemetry = OpenTelemetryInterceptor(tracer_provider, meter_provider)
    lifespan = session_lifespan(interceptors=[telemetry], **session_options)
    app = FastAPI(title="training jobs", lifespan=lifespan)

    @app.post("/jobs", status_code=201)
    async def submit(job: JobRequest, batch: BatchDep) -> dict[str, str | None]:
        with _as_http_errors():
            submitted = await batch.submit_service_job(
                job_name=job.job_name,
                job_queue=job.job_queue,
                service_job_type="SAGEMAKER_TRAINING",
                service_request_payload=json.dumps(job.training_job),
                scheduling_priority=job.scheduling_priority,
            )
        return {"job_id": submitted.job_id, "job_arn": submitted.job_arn}

    @app.get("/jobs")
    async def list_jobs(
        queue: str, batch: BatchDep, status: ServiceJobStatus | None = None
    ) -> list[dict[str, Any]]:
        """The queue's jobs in ``status`` (Batch lists RUNNING jobs when it is left out)."""
        with _as_http_errors():
            pages = batch.get_paginator("list_service_jobs").paginate(
                job_queue=queue, job_status=status
            )
            return [
                {"job_id": job.job_id, "job_name": job.job_name, "status": job.status}
                async for job in pages.items()
            ]

    @app.get("/jobs/{job_id}")
    async def describe(job_id: str, batch: BatchDep) -> dict[str, Any]:
        with _as_http_errors():
            job = await batch.describe_service_job(job_id=job_id)
        return {"job_id": job.job_id, "job_name": job.job_name, "status": job.status}

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=tracer_provider, meter_provider=meter_provider
    )
    return app


@contextmanager
def _as_http_errors() -> Generator[None, None, None]:
    """Bad input -> 422; the service's own 4xx answers pass through; other failures -> 502."""
    try:
        yield
    except ValidationError as error:
        raise HTTPException(422, str(error)) from error
    except ServiceError as error:
        status = error.status_code if 400 <= error.status_code < 500 else 502
        raise HTTPException(status, f"{error.code}: {error.message}") from error


app = create_app()
