"""Session: one identity, one region, one connection pool, and the clients that share them."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING

import aiohttp

from .config import Config
from .credentials import ChainCredentialProvider, CredentialProvider, static_credentials
from .errors import ConfigurationError, EventLoopMismatch, NoRegionError, SessionClosedError
from .interceptors import Interceptor, check_interceptors
from .profile import SharedProfile
from .services import CLIENTS, ServiceClients, client_class

if TYPE_CHECKING:
    from .client import BaseClient

__all__ = ["Session"]


class Session(ServiceClients):
    """One AWS identity, region and connection pool, with a client per service.

    Use it as ``async with Session(...) as session:``, or call ``await session.close()``
    when done. It opens one ``aiohttp.ClientSession`` inside the running loop on first use
    and closes it on exit; an ``http_session`` you pass in is used as is and never closed.

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
    ) -> None:
        if config is not None and not isinstance(config, Config):
            raise ConfigurationError("config must be an aws_mlops_async.Config")
        self.config = config or Config()
        #: The interceptors every call of every client runs (see `aws_mlops_async.interceptors`).
        self.interceptors = check_interceptors(interceptors)
        self.endpoint_url = endpoint_url
        self._region_name = region_name
        self._resolved_region: str | None = None
        self._profile = SharedProfile(profile_name)
        self.credentials: CredentialProvider = static_credentials(
            aws_access_key_id, aws_secret_access_key, aws_session_token
        ) or ChainCredentialProvider(self._profile)
        self._http = http_session
        self._owns_http = http_session is None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._clients: dict[str, BaseClient] = {}
        #: Seconds the services' clock is ahead of this host's, as learned from a request a
        #: service rejected for its signing time (see ``Config.correct_clock_skew``).
        self.clock_offset = 0.0

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Session region={self._region_name or 'default'} {state}>"

    async def __aenter__(self) -> Session:
        self.http_session()
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

    async def close(self) -> None:
        """Close the connection pool this Session opened; later calls raise SessionClosedError."""
        if self._closed:
            return
        self._closed = True
        if self._owns_http and self._http is not None:
            await self._http.close()

    def http_session(self) -> aiohttp.ClientSession:
        """The aiohttp session every client sends on, opened on first use in the running loop.

        Raises `EventLoopMismatch` when called from another event loop than that one.
        """
        http = self._http
        loop = asyncio.get_running_loop()
        if (
            http is not None
            and self._loop is loop
            and not self._closed
            and (self._owns_http or not http.closed)  # only we close the session we own
        ):
            return http  # every call after the first
        if self._closed or (http is not None and http.closed):
            raise SessionClosedError()
        if self._loop is not loop:
            if self._loop is not None:
                raise EventLoopMismatch()
            # Ours is opened here; one passed in belongs to the loop it was made in.
            self._loop = getattr(self._http, "_loop", None) or loop
            if self._loop is not loop:
                raise EventLoopMismatch()
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.config.max_pool_connections)
            )
        return self._http

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
        try:
            client = client_class(name)
        except KeyError:
            known = ", ".join(sorted(CLIENTS))
            raise ConfigurationError(f"Unknown service {name!r}; known services: {known}") from None
        return client(self, region_name=region_name, endpoint_url=endpoint_url)
