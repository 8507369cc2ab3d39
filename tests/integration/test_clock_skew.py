"""Clock-skew correction: a service whose clock is 15 minutes ahead of (or behind) this host
refuses requests as AWS does; the client reads the service's time from its Date header, signs
again and retries once (outside the attempts and the retry quota), and the next call is
signed right the first time. Loopback servers scripted as each protocol answers;
tests/local/test_local_clock_skew.py does it through the emulator."""

from __future__ import annotations

import calendar
import email.utils
import time
from collections.abc import Callable
from typing import Any

import pytest
from aiohttp import web
from support import LoopbackServer

from aws_mlops_async import Config, ServiceError, Session

pytestmark = pytest.mark.timeout(30)


def amz(moment: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(moment))


class SkewedService:
    """A service whose clock runs ``offset`` seconds ahead of this host's, refusing requests
    signed more than 5 minutes away from it as ``protocol`` ("rest-json" or "json") does."""

    def __init__(
        self,
        offset: float,
        protocol: str,
        *,
        code: str = "InvalidSignatureException",
        tolerance: float = 300,
    ) -> None:
        self.offset = offset
        self.tolerance = tolerance
        self.protocol = protocol
        self.code = code
        self.extra_headers: dict[str, str] = {}
        self.refused = 0

    def now(self) -> float:
        return time.time() + self.offset

    async def handle(self, request: web.Request) -> web.StreamResponse:
        now = self.now()
        signed = calendar.timegm(time.strptime(request.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ"))
        date = {"Date": email.utils.formatdate(now, usegmt=True), **self.extra_headers}
        if abs(signed - now) <= self.tolerance:
            body: dict[str, str] = {}
            if self.protocol == "json":
                body = {"ImageVersionArn": "arn:aws:sagemaker:us-east-1:1:image-version/i/1"}
            return web.json_response(body, headers=date)
        self.refused += 1
        if signed < now:
            message = (
                f"Signature expired: {amz(signed)} is now earlier than "
                f"{amz(now - self.tolerance)} ({amz(now)} - 5 min.)"
            )
        else:
            message = (
                f"Signature not yet current: {amz(signed)} is still later than "
                f"{amz(now + self.tolerance)} ({amz(now)} + 5 min.)"
            )
        if self.protocol == "json":
            payload = {"__type": self.code, "message": message}
            return web.json_response(payload, status=400, headers=date)
        return web.json_response(
            {"message": message}, status=403, headers={**date, "x-amzn-ErrorType": self.code}
        )


async def call(session: Session, protocol: str) -> Any:
    if protocol == "json":
        return await session.sagemaker.update_image_version(image_name="i", version=1)
    return await session.batch.terminate_service_job(job_id="j1", reason="done")


@pytest.mark.parametrize("protocol", ["rest-json", "json"])
@pytest.mark.parametrize("offset", [900.0, -900.0], ids=["ahead", "behind"])
async def test_a_skewed_clock_is_corrected_from_the_date_header(
    server: LoopbackServer, make_session: Callable[..., Session], protocol: str, offset: float
) -> None:
    service = SkewedService(offset, protocol)
    server.default = service.handle
    async with make_session() as session:
        quota = session.batch.retry_policy.quota.available
        await call(session, protocol)
        assert len(server.received) == 2 and service.refused == 1
        assert abs(session.clock_offset - offset) < 5
        await call(session, protocol)
        assert len(server.received) == 3 and service.refused == 1
        client = session.sagemaker if protocol == "json" else session.batch
        assert client.retry_policy.quota.available == quota  # the correction cost nothing


async def test_the_correction_is_an_attempt_on_top_of_max_attempts(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = SkewedService(900, "rest-json").handle
    async with make_session(config=Config(max_attempts=1)) as session:
        await call(session, "rest-json")
    assert len(server.received) == 2


async def test_a_definite_skew_code_is_corrected_whatever_its_message(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    service = SkewedService(-1200, "json", code="RequestTimeTooSkewed")
    server.default = service.handle
    async with make_session() as session:
        await call(session, "json")
    assert len(server.received) == 2


async def test_it_can_be_switched_off(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = SkewedService(900, "rest-json").handle
    async with make_session(config=Config(correct_clock_skew=False)) as session:
        with pytest.raises(ServiceError) as caught:
            await call(session, "rest-json")
        assert session.clock_offset == 0.0
    assert caught.value.code == "InvalidSignatureException"
    assert len(server.received) == 1


async def test_an_offset_under_four_minutes_is_ignored(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    # A service with a tolerance of one minute and a clock three minutes ahead.
    server.default = SkewedService(180, "rest-json", tolerance=60).handle
    async with make_session() as session:
        with pytest.raises(ServiceError):
            await call(session, "rest-json")
        assert session.clock_offset == 0.0
    assert len(server.received) == 1


async def test_a_cached_answer_is_no_clock_reading(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    service = SkewedService(900, "rest-json")
    service.extra_headers = {"Age": "17280"}
    server.default = service.handle
    async with make_session() as session:
        with pytest.raises(ServiceError):
            await call(session, "rest-json")
    assert len(server.received) == 1


async def test_a_mismatched_signature_is_not_taken_for_skew(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    async def mismatch(request: web.Request) -> web.StreamResponse:
        date = email.utils.formatdate(time.time() + 3600, usegmt=True)
        return web.json_response(
            {"message": "The request signature we calculated does not match the signature"},
            status=403,
            headers={"Date": date, "x-amzn-ErrorType": "InvalidSignatureException"},
        )

    server.default = mismatch
    async with make_session() as session:
        with pytest.raises(ServiceError):
            await call(session, "rest-json")
        assert session.clock_offset == 0.0
    assert len(server.received) == 1
