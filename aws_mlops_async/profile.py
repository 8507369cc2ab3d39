"""The shared AWS config files' profile, read once and off the event loop."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from .errors import ConfigurationError

if TYPE_CHECKING:
    from aiobotocore.session import AioSession

__all__ = ["SharedProfile"]


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


def _load_session(profile_name: str | None) -> AioSession:
    from aiobotocore.session import AioSession
    from botocore.exceptions import ProfileNotFound

    session = AioSession(profile=profile_name)
    try:
        session.get_scoped_config()  # reads and caches the shared files on this worker thread
    except ProfileNotFound as exc:
        raise ConfigurationError(f"The AWS profile {profile_name!r} does not exist") from exc
    return session
