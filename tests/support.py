"""Test helpers: a scripted loopback HTTP server and canned responders; the registry's
service models as botocore reads them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import botocore.loaders
from aiohttp import web
from registry import SERVICES, service

DATA = Path(__file__).parent / "data"
ROOT = DATA.parent.parent

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


def service_document(name: str, kind: str) -> dict[str, Any]:
    """One of the documents of the registry's service ``name`` (``service-2``,
    ``paginators-1``, ``endpoint-rule-set-1``...): from its ``model_dir`` when the registry
    gives one (botocore no longer ships it), else botocore's."""
    folder = service(name).model_dir
    if folder is not None:
        document: dict[str, Any] = json.loads((ROOT / folder / f"{kind}.json").read_text())
        return document
    loaded: dict[str, Any] = botocore.loaders.create_loader().load_service_model(name, kind)
    return loaded


def botocore_data(root: Path) -> Path:
    """``root`` made a botocore data directory holding the models of the registry's services
    botocore no longer ships (each from its ``model_dir``), for botocore's loader to search."""
    for entry in SERVICES:
        if entry.model_dir is None:
            continue
        folder = ROOT / entry.model_dir
        api = json.loads((folder / "service-2.json").read_text())["metadata"]["apiVersion"]
        target = root / entry.name / api
        target.mkdir(parents=True)
        for source in folder.iterdir():
            (target / source.name).symlink_to(source)
    return root
