"""Where request-signing keys come from: explicit keys, or aiobotocore's provider chain.

aiobotocore (and with it botocore) is imported only when the chain is first needed (see
`profile.py`), so `import aws_mlops_async` does not pay for it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

from .arguments import printable
from .errors import AwsError, ConfigurationError, CredentialsError, NoCredentialsError
from .profile import SharedProfile, config_file_error

__all__ = [
    "ChainCredentialProvider",
    "CredentialProvider",
    "Credentials",
    "StaticCredentialProvider",
    "static_credentials",
]

#: The longest access key id or secret access key taken (AWS's are 20 and 40 characters).
MAX_KEY = 128
#: The longest session token taken (STS's are about a thousand characters).
MAX_TOKEN = 16_384


@dataclass(frozen=True, repr=False, slots=True)
class Credentials:
    """One frozen set of keys used to sign a request; neither its repr nor ``vars()`` shows
    the secrets."""

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
        #: The credentials given at creation, read without a wait.
        self.credentials = credentials

    async def get_credentials(self) -> Credentials:
        """The credentials given at creation."""
        return self.credentials


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
        self._last: Credentials | None = None
        #: Callers waiting for credentials now (a bulk run that hears nothing from the
        #: service tells a hung credential_process from a dead endpoint by it).
        self.waiting = 0

    async def get_credentials(self) -> Credentials:
        """The current credentials, refreshed by aiobotocore when they are about to expire.

        Raises `CredentialsError` (its ``__cause__`` the provider's exception) when they
        cannot be resolved or refreshed.
        """
        self.waiting += 1
        try:
            if self._source is None:
                await self._resolve()
            frozen = await self._source.get_frozen_credentials()
        except AwsError:
            raise
        except Exception as error:
            refusal = config_file_error(error)
            if refusal is not None:
                raise refusal from error
            raise CredentialsError(
                "AWS credentials could not be resolved or refreshed "
                f"({type(error).__name__}: {error})"
            ) from error
        finally:
            self.waiting -= 1
        last = self._last
        # aiobotocore hands out the same frozen keys until it refreshes: compared by identity
        # first (cheap), converted once per refresh, and never kept in botocore's own tuple
        # (whose repr shows the secret).
        if (
            last is None
            or frozen.access_key != last.access_key
            or frozen.secret_key != last.secret_key
            or frozen.token != last.token
        ):
            if not frozen.access_key or not frozen.secret_key:
                raise CredentialsError("The credential provider returned incomplete keys")
            last = self._last = Credentials(frozen.access_key, frozen.secret_key, frozen.token)
        return last

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
    """A provider for explicit keys, None when no keys were given, an error when half were
    or when one is no printable ASCII (a ConfigurationError naming it, before it is signed
    with)."""
    access_key = printable(
        "aws_access_key_id", access_key, optional=True, max_length=MAX_KEY, secret=True
    )
    secret_key = printable(
        "aws_secret_access_key", secret_key, optional=True, max_length=MAX_KEY, secret=True
    )
    token = printable("aws_session_token", token, optional=True, max_length=MAX_TOKEN, secret=True)
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
