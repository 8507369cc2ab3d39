"""The chaos suite's scripted server: real HTTP on 127.0.0.1, a healthy service behind a fault.

A `ScriptedServer` answers every request from a *world* (the service a wait talks to, healthy:
pages of a listing, a job moving through its statuses) through a *fault* (`chaos_faults`),
which may pass the world's answer on, change it (a token, a garbled body), answer in its
stead (a 403, a 503), answer slowly (a trickle, a stall), drop the connection, or take the
whole server down and bring it back (an outage, a restart) on the same port.

Everything runs in the test's own event loop: the server's timers (an outage's end, a
restart's gap) and the client's (its back-off) are ordered by their deadlines, however slow
the machine is.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp import web

from aws_mlops_async.protocol import OperationSpec

__all__ = [
    "Answer",
    "Fault",
    "ScriptedServer",
    "Seen",
    "World",
    "error_answer",
    "forever",
    "free_socket",
    "hang_up",
    "json_answer",
    "render",
    "route",
]


@dataclass
class Seen:
    """One request as the server read it."""

    number: int  # 1-based, in arrival order
    at: float  # time.monotonic() on arrival
    operation: str
    spec: OperationSpec[Any, Any]
    query: dict[str, str]
    document: dict[str, Any]  # the JSON body ({} when there is none)
    match: dict[str, str]  # the URI's labels


@dataclass
class Answer:
    """What the world answers: a status, headers and a JSON document (or raw bytes).

    A page of a listing says which of its members are the items and the next token, so a
    fault can change them (``items_key``, ``token_key``)."""

    status: int
    document: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    items_key: str | None = None
    token_key: str | None = None
    #: The token the request that this page answers sent (None for the first page).
    sent_token: str | None = None

    def body(self) -> bytes:
        if self.raw is not None:
            return self.raw
        return b"" if self.document is None else json.dumps(self.document).encode()


def json_answer(document: Any, status: int = 200, **extra: Any) -> Answer:
    """A success (or any) answer holding a JSON document."""
    return Answer(status, document, {"Content-Type": "application/json"}, **extra)


def error_answer(code: str, status: int, message: str) -> Answer:
    """An error as both JSON protocols write it: the code in ``x-amzn-ErrorType`` and as the
    body's ``__type``."""
    return Answer(
        status,
        {"__type": code, "message": message},
        {
            "Content-Type": "application/json",
            "x-amzn-ErrorType": code,
            "x-amzn-RequestId": f"chaos-{code}",
        },
    )


class World(Protocol):
    """The service a wait talks to, healthy."""

    #: The operations it answers (a request for any other is a test bug: HTTP 599).
    specs: tuple[OperationSpec[Any, Any], ...]

    def answer(self, seen: Seen) -> Answer:
        """The healthy answer to one request (its effects applied: a job created...)."""
        ...

    def restart(self) -> None:
        """Lose what a restarted server forgets (its in-memory state); keep what it stores."""
        ...

    def freeze(self) -> None:
        """From now on, what is waited for never comes (nothing moves on)."""
        ...


class Fault(Protocol):
    """What goes wrong: sees every request and decides how it is answered."""

    async def respond(
        self,
        server: ScriptedServer,
        request: web.Request,
        seen: Seen,
        healthy: Callable[[], Answer],
    ) -> web.StreamResponse:
        """The response to ``seen``; ``healthy()`` is the world's answer (calling it applies
        the request's effects)."""
        ...


def _template(uri: str) -> re.Pattern[str]:
    path = uri.split("?", 1)[0]
    pattern = re.sub(r"\\\{[^}]+?\\\+\\\}", ".+", re.escape(path))
    pattern = re.sub(r"\\\{([^}]+?)\\\}", lambda m: f"(?P<{_label(m[1])}>[^/]+)", pattern)
    return re.compile(pattern + "/?")


def _label(name: str) -> str:
    return re.sub(r"\W", "_", name)


def route(
    specs: tuple[OperationSpec[Any, Any], ...], request: web.Request
) -> tuple[OperationSpec[Any, Any], dict[str, str]] | None:
    """The operation a request calls (awsJson's ``X-Amz-Target``, else method and path), and
    the labels of its URI."""
    target = request.headers.get("X-Amz-Target")
    for spec in specs:
        if target is not None:
            if target.rsplit(".", 1)[-1] == spec.name:
                return spec, {}
            continue
        if spec.http_method != request.method:
            continue
        found = _template(spec.uri).fullmatch(request.path)
        if found is not None:
            return spec, found.groupdict()
    return None


def free_socket(port: int = 0) -> socket.socket:
    """A listening TCP socket on 127.0.0.1 (``port`` 0: a free one), reusable at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(128)
    except BaseException:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


@dataclass
class _Listener:
    """One life of the server: its listening socket and the aiohttp application serving it."""

    sock: socket.socket
    runner: web.AppRunner
    serving: asyncio.Task[None]


class ScriptedServer:
    """An aiohttp server on a free loopback port answering ``world`` through ``fault``.

    `down` closes the port and every connection (requests in flight are lost); `up` opens it
    again, same port, a fresh aiohttp application (nothing of the old connections remains).
    `close_port` and `open_port` do the same at once, with no wait in between, for a fault
    that needs the port closed and opened at exact moments of the event loop's clock.
    """

    def __init__(self, world: World, fault: Fault) -> None:
        self.world = world
        self.fault = fault
        self.seen: list[Seen] = []
        self.port = 0
        self.downs = 0
        self._listener: _Listener | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._handling: set[asyncio.Task[Any]] = set()  # requests being answered

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ScriptedServer:
        await self.up()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop everything the server started, then close the port."""
        for timer in self._timers:
            timer.cancel()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.down()

    async def up(self) -> None:
        """Listen (on the port of before, once there was one), and serve."""
        if self._listener is None:
            self.open_port()
        assert self._listener is not None
        await self._listener.serving

    def open_port(self) -> None:
        """Listen on the port now: connections wait in its backlog until the fresh
        application, started meanwhile, serves them."""
        assert self._listener is None, "the port is open"
        sock = free_socket(self.port)
        self.port = sock.getsockname()[1]
        app = web.Application()
        app.router.add_route("*", "/{tail:(?s:.*)}", self._handle)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.01)
        self._listener = _Listener(sock, runner, asyncio.ensure_future(_serve(runner, sock)))

    def close_port(self) -> _Listener | None:
        """Close the port now (connections already made live on until `dispose`); the
        server's life that ended, if it was up."""
        listener, self._listener = self._listener, None
        if listener is not None:
            self.downs += 1
            for site in listener.runner.sites:
                server = getattr(site, "_server", None)
                if server is not None:
                    server.close()
            listener.sock.close()
        return listener

    async def dispose(self, listener: _Listener | None) -> None:
        """End a life of the server: its requests in flight and connections are lost."""
        if listener is None:
            return
        current = asyncio.current_task()
        handling = [task for task in self._handling if task is not current]
        for task in handling:
            task.cancel()
        await asyncio.gather(*handling, return_exceptions=True)
        listener.serving.cancel()
        await asyncio.gather(listener.serving, return_exceptions=True)
        await listener.runner.cleanup()

    async def down(self) -> None:
        """Close the port and every connection: what is in flight is lost."""
        await self.dispose(self.close_port())

    def later(self, delay: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` in ``delay`` seconds, unless the server closes first."""

        def fire() -> None:
            self._timers.discard(handle)
            callback()

        handle = asyncio.get_running_loop().call_later(delay, fire)
        self._timers.add(handle)

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` beside the requests (an outage's timeline), until the server closes."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        found = route(self.world.specs, request)
        raw = await request.read()
        if found is None:
            return web.json_response({"message": f"not scripted: {request.path}"}, status=599)
        spec, labels = found
        try:
            document = json.loads(raw) if raw else {}
        except ValueError:
            document = {}
        seen = Seen(
            number=len(self.seen) + 1,
            at=time.monotonic(),
            operation=spec.name,
            spec=spec,
            query=dict(request.query),
            document=document if isinstance(document, dict) else {},
            match=labels,
        )
        self.seen.append(seen)
        task = asyncio.current_task()
        assert task is not None
        self._handling.add(task)
        try:
            return await self.fault.respond(self, request, seen, lambda: self.world.answer(seen))
        finally:
            self._handling.discard(task)


async def _serve(runner: web.AppRunner, sock: socket.socket) -> None:
    await runner.setup()
    await web.SockSite(runner, sock).start()


def render(answer: Answer) -> web.Response:
    """The world's answer as an aiohttp response."""
    return web.Response(status=answer.status, body=answer.body(), headers=answer.headers)


async def hang_up(request: web.Request) -> web.StreamResponse:
    """Close the connection without an answer."""
    if request.transport is not None:
        request.transport.abort()
    raise asyncio.CancelledError  # aiohttp's server takes this as a peer gone


async def forever() -> None:
    """Wait until cancelled (the server going down cancels its handlers)."""
    await asyncio.Event().wait()
