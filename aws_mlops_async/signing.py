"""AWS Signature Version 4, header-based, with the day's signing key cached.

Checked against the AWS SigV4 test suite and against `botocore.auth.SigV4Auth` (tests/); the
per-request cost is a SHA-256 of the body and of the canonical request plus one HMAC, because
the four-step key derivation runs once a day per secret.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable
from urllib.parse import quote, unquote

from .credentials import Credentials

__all__ = ["SigV4Signer", "canonical_path", "canonical_query"]

_ALGORITHM = "AWS4-HMAC-SHA256"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def canonical_path(path: str) -> str:
    """The URI-encoded, dot-segment-free path SigV4 signs (encoding the wire path once more)."""
    if not path:
        return "/"
    if "//" in path or "/." in path or path.startswith("."):
        path = _remove_dot_segments(path)
    return quote(path, safe="/~")


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 section 5.2.4, plus the collapsing of empty segments AWS services expect.
    segments: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if segments:
                segments.pop()
        else:
            segments.append(segment)
    leading = "/" if path.startswith("/") else ""
    trailing = "/" if path.endswith("/") and segments else ""
    return leading + "/".join(segments) + trailing


def canonical_query(query: str) -> str:
    """The query string with each name and value strictly encoded, sorted by name then value."""
    if not query:
        return ""
    pairs = []
    for item in query.split("&"):
        name, _, value = item.partition("=")
        pairs.append((quote(unquote(name), safe="-_.~"), quote(unquote(value), safe="-_.~")))
    pairs.sort()
    return "&".join(f"{name}={value}" for name, value in pairs)


def _canonical_headers(headers: Iterable[tuple[str, str]]) -> tuple[str, str]:
    merged: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        folded = " ".join(value.split())
        merged[key] = f"{merged[key]},{folded}" if key in merged else folded
    names = sorted(merged)
    canonical = "".join(f"{name}:{merged[name]}\n" for name in names)
    return canonical, ";".join(names)


class SigV4Signer:
    """Signs requests for one region and service; create once per client."""

    def __init__(self, region: str, service: str) -> None:
        self.region = region
        self.service = service
        self._scope_tail = f"/{region}/{service}/aws4_request"
        self._key_for: tuple[str, str] | None = None
        self._key = b""
        self._second = -1
        self._amz_date = ""
        self._datestamp = ""

    def sign(
        self,
        method: str,
        path: str,
        query: str,
        headers: Iterable[tuple[str, str]],
        body: bytes,
        credentials: Credentials,
        *,
        now: float | None = None,
    ) -> dict[str, str]:
        """The headers SigV4 adds: X-Amz-Date, X-Amz-Security-Token when needed, Authorization.

        ``headers`` are the headers to sign (``host`` among them); ``path`` and ``query`` are as
        sent on the wire.
        """
        amz_date, datestamp = self._dates(time.time() if now is None else now)
        added = {"X-Amz-Date": amz_date}
        if credentials.token:
            added["X-Amz-Security-Token"] = credentials.token
        canonical_request, signed_headers = self.canonical_request(
            method, path, query, [*headers, *added.items()], body
        )
        scope = datestamp + self._scope_tail
        string_to_sign = (
            f"{_ALGORITHM}\n{amz_date}\n{scope}\n"
            f"{hashlib.sha256(canonical_request.encode()).hexdigest()}"
        )
        signature = hmac.new(
            self._signing_key(credentials.secret_key, datestamp),
            string_to_sign.encode(),
            hashlib.sha256,
        ).hexdigest()
        added["Authorization"] = (
            f"{_ALGORITHM} Credential={credentials.access_key}/{scope}, "
            f"SignedHeaders={signed_headers}, Signature={signature}"
        )
        return added

    @staticmethod
    def canonical_request(
        method: str, path: str, query: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> tuple[str, str]:
        """SigV4's canonical request for these exact headers, and its signed-headers list."""
        header_lines, signed_headers = _canonical_headers(headers)
        body_hash = hashlib.sha256(body).hexdigest() if body else _EMPTY_SHA256
        canonical = (
            f"{method}\n{canonical_path(path)}\n{canonical_query(query)}\n"
            f"{header_lines}\n{signed_headers}\n{body_hash}"
        )
        return canonical, signed_headers

    def _dates(self, now: float) -> tuple[str, str]:
        second = int(now)
        if second != self._second:
            self._amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second))
            self._datestamp = self._amz_date[:8]
            self._second = second
        return self._amz_date, self._datestamp

    def _signing_key(self, secret_key: str, datestamp: str) -> bytes:
        if self._key_for != (secret_key, datestamp):
            key = f"AWS4{secret_key}".encode()
            for part in (datestamp, self.region, self.service, "aws4_request"):
                key = hmac.new(key, part.encode(), hashlib.sha256).digest()
            self._key = key
            self._key_for = (secret_key, datestamp)
        return self._key
