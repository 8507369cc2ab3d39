"""Session: one identity, one region, one connection pool, and the clients that share them."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

import aiohttp

from . import retries
from ._session_clients import ServiceClients, client_class
from .arguments import http_url, instance, region, text, with_methods
from .cancellation import cancelled_by_caller, uncancel
from .config import Config
from .credentials import (
    ChainCredentialProvider,
    CredentialProvider,
    Credentials,
    static_credentials,
)
from .errors import ConfigurationError, NoRegionError, SessionClosedError
from .interceptors import Interceptor, check_interceptors
from .profile import SharedProfile
from .signing import SigningClock
from .transport import AiohttpTransport, AsyncTransport

if TYPE_CHECKING:
    from .client import BaseClient

__all__ = ["Session"]

#: The longest profile name taken.
MAX_PROFILE_NAME = 256
_CLOSING = "the Session was closed"


class Session(ServiceClients):
    """One AWS identity, region and connection pool, with a client per service.

    Use it as ``async with Session(...) as session:``, or call ``await session.close()``
    when done. Its clients send on one ``transport``: by default an `AiohttpTransport`, whose
    connection pool opens inside the running loop on first use and closes with the Session.
    An ``http_session`` you pass lends that transport its connector (pool, TLS, DNS,
    ``trust_env``) and is never closed; a ``transport`` you pass (a `MockTransport` in tests,
    a recording or proxying one) is used instead, and never closed either.

    The region is the ``region_name`` argument, else ``AWS_REGION`` / ``AWS_DEFAULT_REGION``,
    else the profile's ``region``. Credentials are the explicit keys, else aiobotocore's
    provider chain for ``profile_name``. ``endpoint_url`` sends every client to one URL (a
    local emulator, a VPC endpoint); without it, each client takes the endpoint botocore would
    take from ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL`` or the profile, if any.
    ``interceptors`` hook into every call of every client (see `aws_mlops_async.interceptors`).
    """

    def __init__(
        self,
        region_name: str | None = None,
        profile_name: str | None = None,
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        endpoint_url: str | None = None,
        config: Config | None = None,
        http_session: aiohttp.ClientSession | None = None,
        interceptors: Sequence[Interceptor] = (),
        transport: AsyncTransport | None = None,
    ) -> None:
        config = instance("config", config, Config, "an aws_mlops_async.Config", optional=True)
        if transport is not None and http_session is not None:
            raise ConfigurationError("pass http_session or transport, not both")
        wanted = "an AsyncTransport: an object with send() and close()"
        with_methods("transport", transport, ("send", "close"), wanted, optional=True)
        self.config = config or Config()
        #: The interceptors every call of every client runs (see `aws_mlops_async.interceptors`).
        self.interceptors = check_interceptors(interceptors)
        self.endpoint_url: str | None = http_url("endpoint_url", endpoint_url, optional=True)
        self._region_name: str | None = region("region_name", region_name)
        self._resolved_region: str | None = None
        self._profile = SharedProfile(
            text("profile_name", profile_name, optional=True, max_length=MAX_PROFILE_NAME)
        )
        self.credentials: CredentialProvider = static_credentials(
            aws_access_key_id, aws_secret_access_key, aws_session_token
        ) or ChainCredentialProvider(self._profile)
        #: What every client of this Session sends its requests with.
        self.transport: AsyncTransport = transport or AiohttpTransport(
            http_session, max_connections=self.config.max_pool_connections
        )
        self._owns_transport = transport is None
        #: The time requests are signed at: this host's, corrected by the services' clock
        #: once a service refuses a request for its signing time.
        self.clock = SigningClock()
        self._closed = False
        self._clients: dict[str, BaseClient] = {}
        self._pauses: set[asyncio.Future[None]] = set()  # calls backing off, ended by close
        #: Calls waiting for credentials (a credential_process on an MFA prompt), ended by close.
        self._credential_waits: set[asyncio.Task[object]] = set()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Session region={self._region_name or 'default'} {state}>"

    async def __aenter__(self) -> Session:
        if isinstance(self.transport, AiohttpTransport):
            self.transport.http_session  # noqa: B018  open the pool here, in this loop
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """Whether `close` was called (or the exit of ``async with`` reached)."""
        return self._closed

    @property
    def clock_offset(self) -> float:
        """Seconds the services' clock is ahead of this host's, as learned from a request a
        service rejected for its signing time (see ``Config.correct_clock_skew``)."""
        return self.clock.offset

    async def close(self) -> None:
        """Close the transport this Session opened. Every call in flight ends with
        `SessionClosedError` (nothing is retried after close), and so do later calls."""
        if self._closed:
            return
        self._closed = True
        for pause in self._pauses:
            pause.cancel()
        for task in self._credential_waits:
            task.cancel(_CLOSING)
        if self._owns_transport:
            await self.transport.close()

    async def pause(self, seconds: float) -> None:
        """Wait ``seconds`` (a call's back-off before its next attempt); `SessionClosedError`
        at once when the Session closes meanwhile."""
        if self._closed:
            raise SessionClosedError()
        sleeping = asyncio.ensure_future(retries.sleep(seconds))
        self._pauses.add(sleeping)
        try:
            await sleeping
        except asyncio.CancelledError:
            if self._closed and not cancelled_by_caller():
                raise SessionClosedError() from None
            raise
        finally:
            self._pauses.discard(sleeping)

    async def signing_credentials(self) -> Credentials:
        """The credentials to sign an attempt with; `SessionClosedError` at once when the
        Session closes meanwhile (a ``credential_process`` waiting on a prompt included)."""
        if self._closed:
            raise SessionClosedError()
        task = asyncio.current_task()
        if task is None:
            return await self.credentials.get_credentials()
        self._credential_waits.add(task)
        try:
            return await self.credentials.get_credentials()
        except asyncio.CancelledError as cancelled:
            closing = bool(cancelled.args) and cancelled.args[0] == _CLOSING
            if self._closed and (closing or not cancelled_by_caller()):
                if closing:
                    uncancel(task)
                raise SessionClosedError() from None
            raise
        finally:
            self._credential_waits.discard(task)

    def http_session(self) -> aiohttp.ClientSession:
        """The aiohttp session the default transport sends on, opened on first use in the
        running loop (`EventLoopMismatch` from another loop); a ConfigurationError when the
        Session was given another transport."""
        if not isinstance(self.transport, AiohttpTransport):
            raise ConfigurationError("this Session sends on its own transport, not on aiohttp")
        return self.transport.http_session

    async def region(self) -> str:
        """The Session's region: argument, then environment, then profile; NoRegionError if none."""
        if self._resolved_region is None:
            region = (
                self._region_name
                or os.environ.get("AWS_REGION")
                or os.environ.get("AWS_DEFAULT_REGION")
                or await self._profile.region()
            )
            if not region:
                raise NoRegionError()
            self._resolved_region = region
        return self._resolved_region

    async def configured_endpoint(self, service: str) -> str | None:
        """The endpoint URL the environment or the profile configures for ``service`` (as
        botocore reads them: ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL``, the
        profile's ``services`` section and ``endpoint_url``), or None; an ``endpoint_url``
        given to the Session or client comes first."""
        return await self._profile.configured_endpoint(service)

    def _client(self, name: str) -> BaseClient:
        client = self._clients.get(name)
        if client is None:
            client = self._clients[name] = self._new_client(name, None, None)
        return client

    def _new_client(
        self, name: str, region_name: str | None, endpoint_url: str | None
    ) -> BaseClient:
        return client_class(name)(self, region_name=region_name, endpoint_url=endpoint_url)
