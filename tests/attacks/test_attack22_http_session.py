"""Attack 22: the caller's own aiohttp session, closed under calls in flight."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from aws_mlops_async import AwsError
from aws_mlops_async.local import LocalAws


@pytest.mark.timeout(30)
async def test_user_closing_its_session_never_leaves_a_call_cancelled() -> None:
    """Calls waiting for the caller's one-connection pool when the caller closes its aiohttp
    session must end with an `AwsError`, never as cancelled: nobody cancelled them."""
    async with LocalAws() as endpoint:
        endpoint.faults.set(delay=1.0)
        http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1))
        try:
            async with endpoint.session(http_session=http) as session:
                calls = [
                    asyncio.create_task(session.batch.describe_service_job(job_id="job-1"))
                    for _ in range(5)
                ]
                await asyncio.sleep(0.2)
                await http.close()
                results = await asyncio.gather(*calls, return_exceptions=True)
        finally:
            await http.close()
    assert [type(r).__name__ for r in results if not isinstance(r, AwsError)] == []
    assert not any(call.cancelled() for call in calls)
