"""examples/fastapi_app.py through httpx's ASGI transport against the emulator: one Session,
one connection pool, for every request the app serves."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import httpx
import pytest
from fastapi import FastAPI
from local_support import TRAINING_REQUEST
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from aws_mlops_async.local import LocalAws

EXAMPLE = Path(__file__).parents[2] / "examples" / "fastapi_app.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastapi_app_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so FastAPI can resolve its string annotations
    spec.loader.exec_module(module)
    return module


def example_app(endpoint: LocalAws) -> FastAPI:
    """The example's app, its Session pointed at the emulator."""
    application: FastAPI = load_example().create_app(
        region_name=endpoint.region,
        aws_access_key_id=endpoint.access_key,
        aws_secret_access_key=endpoint.secret_key,
        endpoint_url=endpoint.url,
    )
    return application


@pytest.fixture
def pools_opened(monkeypatch: pytest.MonkeyPatch) -> list[aiohttp.ClientSession]:
    """Every aiohttp.ClientSession created while the test runs."""
    opened: list[aiohttp.ClientSession] = []
    original = aiohttp.ClientSession

    def recording(*args: Any, **kwargs: Any) -> aiohttp.ClientSession:
        pool = original(*args, **kwargs)
        opened.append(pool)
        return pool

    monkeypatch.setattr(aiohttp, "ClientSession", recording)
    return opened


@pytest.fixture
async def endpoint() -> AsyncIterator[LocalAws]:
    async with LocalAws() as running:
        yield running


@pytest.fixture
async def app(endpoint: LocalAws) -> AsyncIterator[FastAPI]:
    application = example_app(endpoint)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
        yield http


def job(name: str) -> dict[str, Any]:
    return {"job_name": name, "job_queue": "api-queue", "training_job": TRAINING_REQUEST}


async def test_one_session_serves_concurrent_requests(
    pools_opened: list[aiohttp.ClientSession],  # first: the lifespan opens its pool at start-up
    app: FastAPI,
    client: httpx.AsyncClient,
    endpoint: LocalAws,
) -> None:
    endpoint.faults.set(delay=0.02)  # keep the requests overlapping

    responses = await asyncio.gather(
        *(client.post("/jobs", json=job(f"api-{n}")) for n in range(50))
    )

    assert [response.status_code for response in responses] == [201] * 50
    assert endpoint.stats.created["service_job"] == 50
    assert endpoint.stats.peak_in_flight > 1  # they really ran at once
    assert len(pools_opened) == 1  # the lifespan's Session opened the only pool
    assert app.state.aws_session.http_session() is pools_opened[0]


async def test_the_pool_is_closed_at_shutdown(
    endpoint: LocalAws, pools_opened: list[aiohttp.ClientSession]
) -> None:
    application = example_app(endpoint)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            assert (await http.post("/jobs", json=job("one"))).status_code == 201
    assert len(pools_opened) == 1 and pools_opened[0].closed


async def test_submit_list_and_describe(client: httpx.AsyncClient, endpoint: LocalAws) -> None:
    submitted = (await client.post("/jobs", json=job("described"))).json()
    endpoint.clock.advance(3600)

    described = await client.get(f"/jobs/{submitted['job_id']}")
    listed = await client.get("/jobs", params={"queue": "api-queue", "status": "SUCCEEDED"})

    assert described.status_code == 200
    assert described.json() == {
        "job_id": submitted["job_id"],
        "job_name": "described",
        "status": "SUCCEEDED",
    }
    assert listed.status_code == 200
    assert listed.json() == [described.json()]


async def test_bad_input_is_a_422_and_never_reaches_the_service(
    client: httpx.AsyncClient, endpoint: LocalAws
) -> None:
    response = await client.post("/jobs", json=job("spaces are not allowed"))

    assert response.status_code == 422
    assert "job_name" in response.json()["detail"]
    assert endpoint.stats.received["SubmitServiceJob"] == 0


async def test_the_service_answers_pass_through(client: httpx.AsyncClient) -> None:
    response = await client.get("/jobs/no-such-job")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("ClientException")


async def test_an_unknown_status_filter_is_a_422(
    client: httpx.AsyncClient, endpoint: LocalAws
) -> None:
    response = await client.get("/jobs", params={"queue": "api-queue", "status": "DONE"})
    assert response.status_code == 422
    assert endpoint.stats.received["ListServiceJobs"] == 0


async def test_each_aws_call_is_a_span_nested_under_its_http_request(endpoint: LocalAws) -> None:
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    application: FastAPI = load_example().create_app(
        tracer_provider=provider,
        region_name=endpoint.region,
        aws_access_key_id=endpoint.access_key,
        aws_secret_access_key=endpoint.secret_key,
        endpoint_url=endpoint.url,
    )
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            submitted = (await http.post("/jobs", json=job("traced"))).json()
            assert (await http.get(f"/jobs/{submitted['job_id']}")).status_code == 200
    provider.shutdown()
    finished = spans.get_finished_spans()
    requests = {s.name: s for s in finished if s.kind is SpanKind.SERVER}
    calls = {s.name: s for s in finished if s.kind is SpanKind.CLIENT}
    assert set(calls) == {"Batch.SubmitServiceJob", "Batch.DescribeServiceJob"}
    for route, call in (
        ("POST /jobs", "Batch.SubmitServiceJob"),
        ("GET /jobs/{job_id}", "Batch.DescribeServiceJob"),
    ):
        parent = calls[call].parent
        assert parent is not None
        assert parent.span_id == requests[route].context.span_id
        assert calls[call].context.trace_id == requests[route].context.trace_id
