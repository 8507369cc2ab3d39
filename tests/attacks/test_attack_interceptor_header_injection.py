"""A header an interceptor adds in before_attempt with CR/LF in it escapes the call as aiohttp's
raw ValueError on the default transport (and is signed and "sent" as is on a MockTransport).

Promise (README, Errors): "What a call can raise is an AwsError, and nothing else" (but
TypeError for an unknown keyword, CancelledError, KeyboardInterrupt); AsyncTransport: "raises
TransportError (ConnectionFailed, Timeout) when none came back"; interceptors.py: headers
added in before_attempt "are signed with the rest".

Observed on AiohttpTransport:
  ValueError: Forbidden control character detected in headers. Potential header injection attack.
Expected: refused before signing (a ValidationError/ConfigurationError naming the header), the
same on every transport. (A header name with a space, 'Bad Name', is signed and sent and the
service answers 400.)

Also: headers added are merged case-sensitively into the library's header dict: adding
"content-type" (lower case, the very same value) makes the signer sign
"content-type:application/json,application/json" (both dict entries) while aiohttp sends one
Content-Type, so the signature cannot match: the emulator answers InvalidSignatureException
(HTTP 403), as AWS would.
"""

from __future__ import annotations

import pytest
from aiohttp import web
from attack_support import JOB, SUBMITTED, Loopback, loop_session, mock_session

from aws_mlops_async import AwsError
from aws_mlops_async.interceptors import CallContext

pytestmark = pytest.mark.timeout(30)


class AddsHeader:
    def before_attempt(self, context: CallContext) -> None:
        context.request_headers["X-Trace"] = "abc\r\nX-Injected: 1"


async def ok(request: web.Request) -> web.Response:
    return web.json_response(SUBMITTED)


async def test_a_crlf_header_is_refused_as_an_aws_error_on_aiohttp() -> None:
    async with Loopback(ok) as server, loop_session(server.url, interceptors=[AddsHeader()]) as s:
        try:
            await s.batch.submit_service_job(**JOB)
        except Exception as error:
            print("raised:", type(error).__name__, error)
            assert isinstance(error, AwsError)
        else:
            pytest.fail("sent")


async def test_a_crlf_header_is_refused_on_a_mock_transport_too() -> None:
    async with mock_session(interceptors=[AddsHeader()]) as session:
        try:
            await session.batch.submit_service_job(**JOB)
        except AwsError:
            return
        headers = session.transport.requests[-1].headers  # type: ignore[attr-defined]
        print("signed and sent:", repr(headers["X-Trace"]), headers["Authorization"][-90:])
        pytest.fail("a header with CR/LF was signed and sent")


class AddsLowerCaseContentType:
    def before_attempt(self, context: CallContext) -> None:
        context.request_headers["content-type"] = "application/json"


async def test_a_header_in_another_case_of_the_library_s_own_is_refused() -> None:
    from aws_mlops_async import ValidationError
    from aws_mlops_async.local import LocalAws

    async with LocalAws(seed=1) as endpoint:
        async with endpoint.session(interceptors=[AddsLowerCaseContentType()]) as session:
            with pytest.raises(ValidationError, match="set by the library"):
                await session.batch.submit_service_job(**JOB)  # observed: a 403
        assert sum(endpoint.stats.received.values()) == 0
