"""The shared AWS config files' profile, read once and off the event loop."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from .errors import ConfigurationError

if TYPE_CHECKING:
    from aiobotocore.session import AioSession

__all__ = ["SharedProfile", "config_file_error"]


class SharedProfile:
    """A named (or the default) profile; aiobotocore is imported and the files read on first use."""

    def __init__(self, name: str | None) -> None:
        self.name = name
        self._lock = asyncio.Lock()
        self._session: AioSession | None = None

    async def botocore_session(self) -> AioSession:
        """The aiobotocore session for this profile, its config files already loaded."""
        if self._session is None:
            async with self._lock:
                if self._session is None:
                    self._session = await asyncio.to_thread(_load_session, self.name)
        return self._session

    async def region(self) -> str | None:
        """The profile's `region` setting, if it has one."""
        session = await self.botocore_session()
        region = session.get_scoped_config().get("region")
        return str(region) if region else None

    async def configured_endpoint(self, service: str) -> str | None:
        """The endpoint URL configured for ``service`` as botocore finds one, or None.

        In botocore's order: ``AWS_ENDPOINT_URL_<SERVICE>``, ``AWS_ENDPOINT_URL``, the
        profile's ``services`` section, the profile's ``endpoint_url``; none at all when
        ``AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`` (or else the profile's
        ``ignore_configured_endpoint_urls``) is true. botocore is not loaded when neither such a
        variable nor a config file exists.
        """
        ignore = os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        if ignore is not None and ignore.lower() == "true":
            return None
        configured = any(name.startswith("AWS_ENDPOINT_URL") for name in os.environ)
        if not configured and not await asyncio.to_thread(_config_file_exists):
            return None
        session = await self.botocore_session()
        if session.get_config_variable("ignore_configured_endpoint_urls"):
            return None
        from botocore.configprovider import ConfiguredEndpointProvider

        provider = ConfiguredEndpointProvider(
            full_config=session.full_config,
            scoped_config=session.get_scoped_config(),
            client_name=service,
        )
        try:
            url = provider.provide()
        except Exception as error:  # botocore's InvalidConfigError: a missing services section
            raise ConfigurationError(f"The AWS config file: {error}") from error
        return str(url) if url else None


def _config_file_exists() -> bool:
    path = os.environ.get("AWS_CONFIG_FILE") or os.path.join("~", ".aws", "config")
    return os.path.isfile(os.path.expanduser(path))


def _load_session(profile_name: str | None) -> AioSession:
    from aiobotocore.session import AioSession

    session = AioSession(profile=profile_name)
    try:
        session.get_scoped_config()  # reads and caches the shared files on this worker thread
    except Exception as error:
        refusal = config_file_error(error)
        if refusal is None:
            raise
        raise refusal from error
    return session


def config_file_error(error: BaseException) -> ConfigurationError | None:
    """Our error for botocore's about the shared config or credentials files (a profile that
    does not exist, a file that cannot be parsed or decoded), naming the profile or file (never
    its content); None for any other error."""
    from botocore.exceptions import ConfigParseError, ProfileNotFound

    if isinstance(error, ProfileNotFound):
        profile = error.kwargs.get("profile")
        return ConfigurationError(
            f"The AWS profile {profile!r} does not exist in the shared config or credentials "
            "files (AWS_PROFILE or profile_name names it)"
        )
    if isinstance(error, ConfigParseError):  # not INI, or not UTF-8 text
        cause = error.kwargs.get("error")
        return ConfigurationError(
            f"The AWS config file {error.kwargs.get('path')!r} cannot be parsed "
            f"({type(cause).__name__}): fix or remove it, or point AWS_CONFIG_FILE / "
            "AWS_SHARED_CREDENTIALS_FILE elsewhere"
        )
    return None
