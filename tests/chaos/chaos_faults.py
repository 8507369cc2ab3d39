"""The faults every wait goes through: one table, `FAULTS`, of what can go wrong mid-run.

Each fault strikes once the wait is under way (after its ``mid_run`` requests were answered
healthily) and says what *kind* of fault it is; each wait says, per kind, how the library
documents that it ends (`chaos_waits`). A fault of a new kind is refused by every wait until
it says how it ends under it.

The timings are the suite's (`chaos_timing`): an outage or a burst is "short" when it outlasts a
call's retries but not ``give_up_after``, "long" when it outlasts the test; a restart's gap is
shorter than one back-off.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import count
from typing import ClassVar

import chaos_timing as timing
from aiohttp import web
from chaos_server import Answer, ScriptedServer, Seen, error_answer, forever, hang_up, render

from aws_mlops_async import CredentialsError, Session
from aws_mlops_async.credentials import CredentialProvider, Credentials

__all__ = ["FAULTS", "KINDS", "Fault"]


class Fault:
    """A fault, fresh for each test: healthy for the first ``mid_run`` requests, then `strike`."""

    kind: ClassVar[str]

    def __init__(self, mid_run: int) -> None:
        self.mid_run = mid_run
        #: When the fault first struck (time.monotonic()), if it did.
        self.struck_at: float | None = None

    def strikes(self, seen: Seen) -> bool:
        return seen.number > self.mid_run

    async def respond(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        if not self.strikes(seen):
            return render(healthy())
        if self.struck_at is None:
            self.struck_at = time.monotonic()
        return await self.strike(server, request, seen, healthy)

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        return render(healthy())

    def install(self, session: Session) -> None:
        """Act on the client's side (a credential provider failing)."""


class Healthy(Fault):
    """No fault: the control every wait must finish under."""

    kind = "healthy"

    def strikes(self, seen: Seen) -> bool:
        return False


class Tokens(Fault):
    """The listing's next tokens, from the fault on, come from ``tokens`` (a cycle, or an
    endless supply, a page every `timing.ENDLESS_PAGE`); of kind ``endless_empty``, its
    pages hold no items."""

    def __init__(self, mid_run: int, tokens: Callable[[str | None], str], kind: str) -> None:
        super().__init__(mid_run)
        self._next = tokens
        self.kind = kind  # type: ignore[misc]

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        answer = healthy()
        if answer.token_key is not None and answer.status < 300:
            answer.document[answer.token_key] = self._next(answer.sent_token)
            if self.kind == "endless_empty" and answer.items_key is not None:
                answer.document[answer.items_key] = []
            if self.kind != "token_cycle":
                await asyncio.sleep(timing.ENDLESS_PAGE)
        return render(answer)


def cycle(*tokens: str) -> Callable[[str | None], str]:
    """Each token hands out the next, the last the first; any other token the first."""

    def following(sent: str | None) -> str:
        if sent in tokens:
            return tokens[(tokens.index(sent) + 1) % len(tokens)]
        return tokens[0]

    return following


def endless() -> Callable[[str | None], str]:
    """A fresh token every page: never empty, never the same twice."""
    numbers: Iterator[int] = count(1)
    return lambda sent: f"E{next(numbers)}"


class Outage(Fault):
    """The service is gone for ``seconds``: the port closed (``refused``: the request that
    finds it going is lost, connections are reset, new ones refused) or every connection
    dropped unanswered (``dropped``); then it is back as it was."""

    def __init__(self, mid_run: int, seconds: float, how: str) -> None:
        super().__init__(mid_run)
        self.seconds = seconds
        self.how = how
        self.kind = "outage_short" if seconds < timing.LONG else "outage_long"  # type: ignore[misc]
        self._until: float | None = None

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        now = time.monotonic()
        if self._until is None:
            self._until = now + self.seconds
            if self.how == "refused":
                server.spawn(self._closed_for(server))
                return await _lost()
        if now < self._until:
            return await hang_up(request)
        return render(healthy())

    async def _closed_for(self, server: ScriptedServer) -> None:
        await server.down()
        await asyncio.sleep(self.seconds)
        await server.up()


async def _lost() -> web.StreamResponse:
    await forever()
    raise AssertionError("unreachable")  # pragma: no cover


class Restart(Fault):
    """The server restarts once: the request that finds it restarting is processed (its
    effects kept) but never answered, the port closes with every connection, and opens again
    a moment later on a fresh server whose in-memory state is lost (what the service stores,
    such as the jobs and their tokens, is kept)."""

    kind = "restart"

    def __init__(self, mid_run: int) -> None:
        super().__init__(mid_run)
        self._done = False

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        if self._done:
            return render(healthy())
        self._done = True
        healthy()  # processed, then lost with the connection
        server.spawn(self._restart(server))
        return await _lost()

    @staticmethod
    async def _restart(server: ScriptedServer) -> None:
        # The port closes before the client can see its request lost, and opens again on a
        # timer of the same loop RESTART_GAP later: before its back-off's timer, however slow
        # the machine.
        old = server.close_port()
        server.world.restart()
        server.later(timing.RESTART_GAP, server.open_port)
        await server.dispose(old)


#: What AWS says when it refuses a caller, by code.
REFUSALS = {
    "InvalidSignatureException": (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service "
        "documentation for details."
    ),
    "AccessDeniedException": (
        "User: arn:aws:iam::123456789012:user/chaos is not authorized to perform: "
        "batch:ListServiceJobs because no identity-based policy allows the action"
    ),
    "ExpiredTokenException": "The security token included in the request is expired",
}


class Refusal(Fault):
    """The service refuses the caller from the fault on (expired keys, no permission), in
    AWS's words."""

    kind = "refused"

    def __init__(self, mid_run: int, code: str, status: int) -> None:
        super().__init__(mid_run)
        self.code = code
        self.status = status

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        # No "Signature expired" in the message: that is clock skew, corrected and retried.
        return render(error_answer(self.code, self.status, REFUSALS[self.code]))


class FailingCredentials(Fault):
    """The credential provider fails from the fault on (an SSO session expired, a
    credential_process gone): the client raises `CredentialsError` before sending."""

    kind = "credentials"

    def install(self, session: Session) -> None:
        session.credentials = _FailingProvider(session.credentials, self)


class _FailingProvider:
    def __init__(self, inner: CredentialProvider, fault: FailingCredentials) -> None:
        self._inner = inner
        self._fault = fault
        self._given = 0

    async def get_credentials(self) -> Credentials:
        if self._given >= self._fault.mid_run:
            if self._fault.struck_at is None:
                self._fault.struck_at = time.monotonic()
            raise CredentialsError("chaos: the credential provider failed")
        self._given += 1
        return await self._inner.get_credentials()


class NeverDone(Fault):
    """What is waited for never comes: from the fault on, the resource stays on its way and
    the jobs stay where they are (the service answers, healthy)."""

    kind = "never_done"

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        server.world.freeze()
        return render(healthy())


class Answering(Fault):
    """The service answers an error (a 5xx, throttling) for ``seconds`` from the fault on,
    then is healthy again."""

    def __init__(self, mid_run: int, code: str, status: int, seconds: float, kind: str) -> None:
        super().__init__(mid_run)
        self.code = code
        self.status = status
        self.seconds = seconds
        self.kind = kind  # type: ignore[misc]

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        assert self.struck_at is not None
        if time.monotonic() - self.struck_at < self.seconds:
            await asyncio.sleep(timing.ERROR_LATENCY)
            return render(error_answer(self.code, self.status, f"chaos: {self.code}"))
        return render(healthy())


class Trickle(Fault):
    """Every answer from the fault on sends its headers at once, then its body a byte at a
    time, a byte every `timing.TRICKLE_INTERVAL` (well inside ``read_timeout``, so no read
    of the socket ever times out: only a bound on the whole body ends it). The request is
    processed."""

    kind = "trickle"

    def __init__(self, mid_run: int) -> None:
        super().__init__(mid_run)
        #: Seconds each trickling body was read for before the client let go.
        self.held: list[float] = []

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        answer = healthy()
        body = answer.body() + b" " * 10_000  # JSON then blanks: a valid body, if it ever came
        response = web.StreamResponse(status=answer.status, headers=answer.headers)
        response.content_length = len(body)
        await response.prepare(request)
        started = time.monotonic()
        try:
            for index in range(len(body)):
                await response.write(body[index : index + 1])
                await asyncio.sleep(timing.TRICKLE_INTERVAL)
        except ConnectionError:  # the client let go
            self.held.append(time.monotonic() - started)
            return response
        except asyncio.CancelledError:  # the server went down first
            self.held.append(time.monotonic() - started)
            raise
        raise AssertionError("a trickle outlasted the test")  # pragma: no cover


class Stall(Fault):
    """Every request from the fault on is processed and never answered: no headers, ever."""

    kind = "stall"

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        healthy()
        return await _lost()


class Garbage(Fault):
    """Every success from the fault on comes with a body no JSON reader takes (processed)."""

    kind = "garbage"

    def __init__(self, mid_run: int, garble: Callable[[bytes], bytes]) -> None:
        super().__init__(mid_run)
        self._garble = garble

    async def strike(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        answer = healthy()
        if answer.status < 300:
            answer.raw = self._garble(answer.body())
        return render(answer)


def truncated(body: bytes) -> bytes:
    return body[: max(1, len(body) // 2)]


def deeply_nested(body: bytes) -> bytes:
    depth = 100_000
    return b'{"deep": ' + b"[" * depth + b"]" * depth + b"}"


def not_json(body: bytes) -> bytes:
    return b"<html><body><h1>502 Bad Gateway</h1></body></html>"


@dataclass(frozen=True)
class FaultCase:
    """One row of the table: its id and how to make it for a wait."""

    id: str
    make: Callable[[int], Fault]

    def __str__(self) -> str:
        return self.id


LONG_CYCLE = tuple(f"T{n}" for n in range(10))

#: Every fault of the suite: each wait goes through each.
FAULTS: tuple[FaultCase, ...] = (
    FaultCase("healthy", Healthy),
    # Listings whose tokens cycle, or never end.
    FaultCase("token-A-A", lambda m: Tokens(m, cycle("A"), "token_cycle")),
    FaultCase("token-A-B-A", lambda m: Tokens(m, cycle("A", "B"), "token_cycle")),
    FaultCase("token-long-cycle", lambda m: Tokens(m, cycle(*LONG_CYCLE), "token_cycle")),
    FaultCase("token-never-empty", lambda m: Tokens(m, endless(), "endless")),
    FaultCase("token-never-empty-no-items", lambda m: Tokens(m, endless(), "endless_empty")),
    # The service gone for a while, or for good.
    FaultCase("outage-refused-short", lambda m: Outage(m, timing.SHORT, "refused")),
    FaultCase("outage-refused-long", lambda m: Outage(m, timing.LONG, "refused")),
    FaultCase("outage-dropped-short", lambda m: Outage(m, timing.SHORT, "dropped")),
    FaultCase("outage-dropped-long", lambda m: Outage(m, timing.LONG, "dropped")),
    FaultCase("restart", Restart),
    # What is waited for never comes.
    FaultCase("never-done", NeverDone),
    # The caller refused.
    FaultCase(
        "403-InvalidSignatureException", lambda m: Refusal(m, "InvalidSignatureException", 403)
    ),
    FaultCase("403-AccessDeniedException", lambda m: Refusal(m, "AccessDeniedException", 403)),
    FaultCase("400-ExpiredTokenException", lambda m: Refusal(m, "ExpiredTokenException", 400)),
    FaultCase("CredentialsError", FailingCredentials),
    # Errors beyond the retries.
    FaultCase(
        "503-burst", lambda m: Answering(m, "ServiceUnavailable", 503, timing.SHORT, "5xx_burst")
    ),
    FaultCase(
        "500-for-good", lambda m: Answering(m, "InternalFailure", 500, timing.LONG, "5xx_for_good")
    ),
    FaultCase(
        "throttling-burst",
        lambda m: Answering(m, "ThrottlingException", 400, timing.SHORT, "throttling_burst"),
    ),
    FaultCase(
        "throttling-for-good",
        lambda m: Answering(m, "ThrottlingException", 400, timing.LONG, "throttling_for_good"),
    ),
    # Answers that never come whole.
    FaultCase("trickle", Trickle),
    FaultCase("stall", Stall),
    # Answers no one can read.
    FaultCase("garbage-truncated-json", lambda m: Garbage(m, truncated)),
    FaultCase("garbage-deeply-nested-json", lambda m: Garbage(m, deeply_nested)),
    FaultCase("garbage-not-json", lambda m: Garbage(m, not_json)),
)

#: Every kind of fault there is: each wait says how it ends under each.
KINDS = frozenset(
    {
        "healthy",
        "token_cycle",
        "endless",
        "endless_empty",
        "outage_short",
        "outage_long",
        "restart",
        "never_done",
        "refused",
        "credentials",
        "5xx_burst",
        "5xx_for_good",
        "throttling_burst",
        "throttling_for_good",
        "trickle",
        "stall",
        "garbage",
    }
)


def make(case: FaultCase, mid_run: int) -> Fault:
    fault = case.make(mid_run)
    assert fault.kind in KINDS, f"{case.id}: unknown kind {fault.kind!r}"
    return fault
