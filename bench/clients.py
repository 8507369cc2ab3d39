"""The same work done three ways: through this library, through aiobotocore, through bare aiohttp.

Every benchmark drives one of these, so "the same work" is defined once. Each client opens one
connection pool of ``pool`` connections, signs with the same static keys and submits the same
job with the same client token, so the three send comparable requests:

- ``aws_mlops_async``: ``session.batch.submit_service_job(...)`` and the pages of
  ``session.sagemaker.get_paginator("list_image_versions").paginate(...)``.
- ``aiobotocore``: ``client.submit_service_job(...)`` and the pages of its
  ``list_image_versions`` paginator.

When paging, each reads the items of each page in a plain loop.
- ``bare aiohttp``: a POST of a pre-built body with pre-built (pre-signed) headers to a pre-built
  URL, reading the response; when paging, it also ``json.loads`` each page to count its items.
  It is the floor: the least a Python client on aiohttp can do per call.

The third-party imports happen inside each client, so a process that runs one client (the peak
RSS children, the benchmark workers) loads only what that client needs.
"""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from typing import Any, Protocol

REGION = "us-east-1"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
CLIENT_TOKEN = "5d5e6f1c-4a1e-4c38-9d3e-1f1f3b9f0a11"
PAYLOAD = '{"TrainingJobName": "train-1", "AlgorithmSpecification": {}}'
IMAGE = "img"

# SubmitServiceJob's parameters, as this library names them and as botocore does.
JOB = {
    "job_name": "train-1",
    "job_queue": "ml-queue",
    "service_job_type": "SAGEMAKER_TRAINING",
    "service_request_payload": PAYLOAD,
    "client_token": CLIENT_TOKEN,
}
BOTO_JOB = {
    "jobName": "train-1",
    "jobQueue": "ml-queue",
    "serviceJobType": "SAGEMAKER_TRAINING",
    "serviceRequestPayload": PAYLOAD,
    "clientToken": CLIENT_TOKEN,
}
# The body both libraries send for it (same members, same order, compact JSON).
SUBMIT_BODY = json.dumps(BOTO_JOB, separators=(",", ":")).encode()

CLIENT_NAMES = ("aws_mlops_async", "aiobotocore", "bare aiohttp")


class BenchClient(Protocol):
    """One way of doing the benchmarks' work; use as ``async with``."""

    async def __aenter__(self) -> BenchClient: ...
    async def __aexit__(self, *exc: object) -> None: ...
    async def submit(self) -> object:
        """One Batch SubmitServiceJob call."""
        ...

    async def list_all(self) -> int:
        """Page through every version of IMAGE; the number of items seen."""
        ...


class Ours:
    """This library: one Session, its pool sized like the others'."""

    def __init__(self, url: str, pool: int) -> None:
        from aws_mlops_async import Config, Session

        self.session = Session(
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            endpoint_url=url,
            config=Config(max_pool_connections=pool),
        )

    async def __aenter__(self) -> Ours:
        await self.session.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()

    async def submit(self) -> object:
        return await self.session.batch.submit_service_job(**JOB)  # type: ignore[arg-type]

    async def list_all(self) -> int:
        paginator = self.session.sagemaker.get_paginator("list_image_versions")
        count = 0
        async for page in paginator.paginate(image_name=IMAGE):
            for _ in page.image_versions or ():
                count += 1
        return count


class Aiobotocore:
    """aiobotocore: a Batch and a SageMaker client, each with a pool of ``pool`` connections."""

    def __init__(self, url: str, pool: int) -> None:
        self._url = url
        self._pool = pool
        self._stack = AsyncExitStack()
        self._batch: Any = None
        self._sagemaker: Any = None

    async def __aenter__(self) -> Aiobotocore:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        session = get_session()
        clients = []
        for service in ("batch", "sagemaker"):
            clients.append(
                await self._stack.enter_async_context(
                    session.create_client(
                        service,
                        region_name=REGION,
                        endpoint_url=self._url,
                        aws_access_key_id=ACCESS_KEY,
                        aws_secret_access_key=SECRET_KEY,
                        config=AioConfig(max_pool_connections=self._pool),
                    )
                )
            )
        self._batch, self._sagemaker = clients
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stack.aclose()

    async def submit(self) -> object:
        return await self._batch.submit_service_job(**BOTO_JOB)

    async def list_all(self) -> int:
        paginator = self._sagemaker.get_paginator("list_image_versions")
        count = 0
        async for page in paginator.paginate(ImageName=IMAGE):
            for _ in page["ImageVersions"]:
                count += 1
        return count


class Bare:
    """Bare aiohttp: pre-built bodies, headers and URLs; nothing validated, signed or parsed."""

    def __init__(self, url: str, pool: int, *, page_size: int = 100, items: int = 10_000) -> None:
        import platform

        import aiohttp
        from yarl import URL

        self._pool = pool
        host = url.split("//", 1)[1]
        self._submit_url = URL(f"{url}/v1/submitservicejob", encoded=True)
        self._list_url = URL(f"{url}/", encoded=True)
        # The header set this library sends, signed once up front (the server does not check).
        agent = (
            f"aws-mlops-async/0.1.0 Python/{platform.python_version()} "
            f"aiohttp/{aiohttp.__version__}"
        )
        signature = ", SignedHeaders=content-type;host;x-amz-date, Signature=" + "0" * 64
        self._submit_headers = {
            "Content-Type": "application/json",
            "Host": host,
            "X-Amz-Date": "20260101T000000Z",
            "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{REGION}/"
            f"batch/aws4_request{signature}",
            "User-Agent": agent,
        }
        self._list_headers = {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "SageMaker.ListImageVersions",
            "Host": host,
            "X-Amz-Date": "20260101T000000Z",
            "Authorization": f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{REGION}/"
            f"sagemaker/aws4_request{signature.replace('x-amz-date', 'x-amz-date;x-amz-target')}",
            "User-Agent": agent,
        }
        # One pre-built request per page: the loopback server's tokens are item offsets.
        self._pages = [
            json.dumps(
                {"ImageName": IMAGE, **({"NextToken": str(n)} if n else {})}, separators=(",", ":")
            ).encode()
            for n in range(0, items, page_size)
        ]
        self._http: Any = None

    async def __aenter__(self) -> Bare:
        import aiohttp

        self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._pool))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.close()

    async def submit(self) -> object:
        async with self._http.post(
            self._submit_url, data=SUBMIT_BODY, headers=self._submit_headers
        ) as response:
            return await response.read()

    async def list_all(self) -> int:
        count = 0
        for body in self._pages:
            async with self._http.post(
                self._list_url, data=body, headers=self._list_headers
            ) as response:
                page = json.loads(await response.read())
            count += len(page["ImageVersions"])
        return count


def make_client(name: str, url: str, pool: int) -> BenchClient:
    """The client called ``name`` (one of CLIENT_NAMES), not yet entered."""
    if name == "aws_mlops_async":
        return Ours(url, pool)
    if name == "aiobotocore":
        return Aiobotocore(url, pool)
    if name == "bare aiohttp":
        return Bare(url, pool)
    raise ValueError(f"unknown client {name!r}; one of {CLIENT_NAMES}")
