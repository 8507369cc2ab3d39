"""Test helpers: a scripted loopback HTTP server and canned responders."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

DATA = Path(__file__).parent / "data"

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    raw_path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Responder = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class LoopbackServer:
    """An aiohttp server on 127.0.0.1 answering from a script, recording every request.

    Each request takes the next responder from ``script``; when the script runs out, the
    ``default`` responder answers.
    """

    url: str = ""
    received: list[Received] = field(default_factory=list)
    script: list[Responder] = field(default_factory=list)
    default: Responder | None = None
    open_connections: int = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.received.append(
            Received(request.method, request.raw_path, dict(request.headers), body)
        )
        responder = self.script.pop(0) if self.script else self.default
        if responder is None:
            return web.json_response({"message": "no scripted response"}, status=599)
        return await responder(request)


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Responder:
    """A responder answering with JSON."""

    async def reply(request: web.Request) -> web.StreamResponse:
        return web.json_response(payload, status=status, headers=headers)

    return reply


def raw_reply(body: bytes, status: int, headers: dict[str, str] | None = None) -> Responder:
    """A responder answering with raw bytes."""

    async def reply(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, status=status, headers=headers)

    return reply


def error_reply(code: str, status: int, message: str = "it failed", **headers: str) -> Responder:
    """A restJson-style error: x-amzn-ErrorType header and a JSON message."""
    return json_reply(
        {"message": message},
        status=status,
        headers={"x-amzn-ErrorType": code, "x-amzn-RequestId": f"req-{code}", **headers},
    )


def drop_connection() -> Responder:
    """A responder that closes the connection without answering."""

    async def reply(request: web.Request) -> web.StreamResponse:
        assert request.transport is not None
        request.transport.close()
        raise asyncio.CancelledError  # aiohttp's server treats this as a lost peer

    return reply


def delay(seconds: float, then: Responder) -> Responder:
    """A responder that waits before answering."""

    async def reply(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(seconds)
        return await then(request)

    return reply
