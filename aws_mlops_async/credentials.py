"""Where request-signing keys come from: explicit keys, or aiobotocore's provider chain.

aiobotocore (and with it botocore) is imported only when the chain is first needed (see
`profile.py`), so `import aws_mlops_async` does not pay for it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from .errors import ConfigurationError, NoCredentialsError
from .profile import SharedProfile

__all__ = [
    "ChainCredentialProvider",
    "CredentialProvider",
    "Credentials",
    "StaticCredentialProvider",
    "static_credentials",
]


@dataclass(frozen=True, repr=False)
class Credentials:
    """One frozen set of keys used to sign a request; its repr never shows the secrets."""

    access_key: str
    secret_key: str
    token: str | None = None

    def __repr__(self) -> str:
        shown = f"{self.access_key[:4]}…" if len(self.access_key) > 4 else "…"
        token = ", token=***" if self.token else ""
        return f"Credentials(access_key={shown!r}, secret_key=***{token})"


class CredentialProvider(Protocol):
    """Hands out the credentials to sign the next request with."""

    async def get_credentials(self) -> Credentials:
        """The credentials to sign the next request with (frozen: they do not change)."""
        ...


class StaticCredentialProvider:
    """Always the same explicit keys."""

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials

    async def get_credentials(self) -> Credentials:
        """The credentials given at creation."""
        return self._credentials


class ChainCredentialProvider:
    """aiobotocore's provider chain (env, profiles, SSO, process, container, IMDS, assume-role).

    The chain is resolved once, on first use, however many requests ask at the same time;
    after that each request gets the current frozen keys, refreshed by aiobotocore when they
    near expiry.
    """

    def __init__(self, profile: SharedProfile) -> None:
        self._profile = profile
        self._lock = asyncio.Lock()
        self._source: Any = None
        self._last_frozen: object = None
        self._last: Credentials | None = None

    async def get_credentials(self) -> Credentials:
        """The current credentials, refreshed by aiobotocore when they are about to expire."""
        if self._source is None:
            await self._resolve()
        frozen = await self._source.get_frozen_credentials()
        if frozen is not self._last_frozen:
            # aiobotocore hands out one frozen tuple until it refreshes: convert once per refresh.
            if not frozen.access_key or not frozen.secret_key:
                raise NoCredentialsError("The credential provider returned incomplete keys")
            self._last = Credentials(frozen.access_key, frozen.secret_key, frozen.token)
            self._last_frozen = frozen
        assert self._last is not None
        return self._last

    async def _resolve(self) -> None:
        async with self._lock:
            if self._source is not None:
                return
            session = await self._profile.botocore_session()
            source = await session.get_credentials()
            if source is None:
                raise NoCredentialsError(
                    "No AWS credentials found: pass aws_access_key_id/aws_secret_access_key "
                    "to Session, set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or configure a "
                    "profile (shared credentials/config files, SSO, credential_process), a "
                    "container role or an instance role."
                )
            self._source = source


def static_credentials(
    access_key: str | None, secret_key: str | None, token: str | None
) -> StaticCredentialProvider | None:
    """A provider for explicit keys, None when no keys were given, an error when half were."""
    if access_key is None and secret_key is None:
        if token is not None:
            raise ConfigurationError(
                "aws_session_token was given without aws_access_key_id and aws_secret_access_key"
            )
        return None
    if not access_key or not secret_key:
        raise ConfigurationError(
            "Pass both aws_access_key_id and aws_secret_access_key, or neither"
        )
    return StaticCredentialProvider(Credentials(access_key, secret_key, token))
