"""AWS Signature Version 4, header-based, with the day's signing key cached.

Checked against the AWS SigV4 test suite and against `botocore.auth.SigV4Auth` (tests/); the
per-request cost is a SHA-256 of the body and of the canonical request plus one HMAC, because
the four-step key derivation runs once a day per secret. What is the same for every call of an
operation (method, canonical path and query, canonical header lines and the signed-headers
list) is a `SigningTemplate`, made once per operation; `sign_into` adds the signature to the
request's one header dict.

The time requests are signed with is a `SigningClock`'s: this host's, corrected once a service
refuses a request for its signing time, as the cross-SDK Clock Skew Correction spec has it
(aws-sdk-go-v2's aws/middleware/middleware.go, aws-sdk-js-v3): the offset is the response's
``Date`` minus the midpoint of send and receive (no reading with an ``Age`` header or after a
round trip over 15 minutes); an offset at least 4 minutes away from the one in use replaces it,
and the client signs the request again and sends it once more, outside the attempt count and
the retry quota.
"""

from __future__ import annotations

import email.utils
import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote

from .credentials import Credentials

__all__ = [
    "ALGORITHM",
    "CLOCK_SKEW_CODES",
    "CLOCK_SKEW_THRESHOLD",
    "SigV4Signer",
    "SigningClock",
    "SigningTemplate",
    "canonical_path",
    "canonical_query",
    "signing_key",
    "signing_template",
    "string_to_sign",
]

ALGORITHM = "AWS4-HMAC-SHA256"
_DATE = "x-amz-date"
_TOKEN = "x-amz-security-token"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

#: Codes that say the request's signing time was off, whatever the message.
CLOCK_SKEW_CODES = frozenset(
    {"RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture", "AuthFailure"}
)
#: Signature codes that mean a skewed clock when their message says so.
_SIGNATURE_CODES = frozenset({"InvalidSignatureException", "SignatureDoesNotMatch"})
_SKEW_MESSAGES = ("Signature expired", "Signature not yet current")
#: Seconds an offset must differ from the one in use to replace it.
CLOCK_SKEW_THRESHOLD = 240.0
_MAX_TRUSTED_ROUND_TRIP = 900.0


class SigningClock:
    """The time requests are signed at: this host's clock plus the offset learned from the
    services (shared by every client of a Session)."""

    __slots__ = ("offset",)

    def __init__(self) -> None:
        #: Seconds the services' clock is ahead of this host's (0 until a correction).
        self.offset = 0.0

    def now(self) -> float:
        """The time to sign a request with, in epoch seconds."""
        return time.time() + self.offset

    def correct(
        self,
        code: str,
        message: str,
        headers: Mapping[str, str],
        sent_at: float,
        received_at: float,
        signed_with: float,
    ) -> bool:
        """Whether a request the service refused (``code``, ``message``) for its signing time
        is worth signing again: the clock it was signed with (``signed_with``, the offset
        then) is at least `CLOCK_SKEW_THRESHOLD` away from the service's, as its ``Date``
        header shows, or from the offset in use now (another request corrected it meanwhile).
        The service's offset is used from now on.

        ``sent_at`` and ``received_at`` are this host's wall-clock times around the exchange.
        """
        if code not in CLOCK_SKEW_CODES and not (
            code in _SIGNATURE_CODES and message.startswith(_SKEW_MESSAGES)
        ):
            return False
        if "Age" not in headers and received_at - sent_at <= _MAX_TRUSTED_ROUND_TRIP:
            # Else a cached answer, or a round trip too long to time anything by.
            offset = _service_offset(headers.get("Date"), sent_at, received_at)
            if offset is not None and abs(offset - self.offset) >= CLOCK_SKEW_THRESHOLD:
                self.offset = offset
        return abs(self.offset - signed_with) >= CLOCK_SKEW_THRESHOLD


def _service_offset(date: str | None, sent_at: float, received_at: float) -> float | None:
    """The service's clock minus this host's, by a response's ``Date`` header taken at the
    midpoint of the exchange; None without a readable one."""
    try:
        server_time = email.utils.parsedate_to_datetime(date).timestamp() if date else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return None if server_time is None else server_time - (sent_at + received_at) / 2


@lru_cache(maxsize=4096)
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
    """Canonical header lines (names lowercased and sorted, values trimmed, repeats joined by
    commas) and the signed-headers list."""
    merged: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        folded = " ".join(value.split())
        if key in merged:
            merged[key] += "," + folded
        else:
            merged[key] = folded
    items = sorted(merged.items())
    return "".join([f"{key}:{value}\n" for key, value in items]), ";".join([k for k, _ in items])


@dataclass(frozen=True, slots=True)
class SigningTemplate:
    """What SigV4 signs of a request but its date, token and body: the canonical request's
    lines up to the headers (split where X-Amz-Date and X-Amz-Security-Token go) and the
    signed-headers list with and without the token. The same for every call of an operation
    whose path, query and headers do not vary."""

    head: str  # method, canonical path and query, canonical lines of names before x-amz-date
    between: str  # ... lines between x-amz-date and x-amz-security-token
    after_token: str  # ... lines after x-amz-security-token
    signed: str  # the signed-headers list with x-amz-date
    signed_with_token: str  # ... and with x-amz-security-token


@lru_cache(maxsize=1024)
def _header_layout(headers: tuple[tuple[str, str], ...]) -> SigningTemplate | None:
    # Requests of one operation carry the same headers call after call, so this is a cache hit.
    lines, signed = _canonical_headers(headers)
    names = tuple(signed.split(";")) if signed else ()
    if _DATE in names or _TOKEN in names:
        return None  # the caller set them itself: take the general path
    parts = ["", "", ""]
    for name, line in zip(names, lines.splitlines(keepends=True), strict=True):
        parts[0 if name < _DATE else 1 if name < _TOKEN else 2] += line
    return SigningTemplate(
        head=parts[0],
        between=parts[1],
        after_token=parts[2],
        signed=";".join(sorted([*names, _DATE])),
        signed_with_token=";".join(sorted([*names, _DATE, _TOKEN])),
    )


def signing_template(
    method: str, path: str, query: str, headers: Iterable[tuple[str, str]]
) -> SigningTemplate | None:
    """The template of requests with this method, wire path and query and these headers to
    sign (``host`` among them); None when they hold X-Amz-Date or X-Amz-Security-Token
    themselves (`SigV4Signer.sign` signs those)."""
    layout = _header_layout(tuple(headers))
    if layout is None:
        return None
    head = f"{method}\n{canonical_path(path)}\n{canonical_query(query)}\n{layout.head}"
    return SigningTemplate(
        head, layout.between, layout.after_token, layout.signed, layout.signed_with_token
    )


def signing_key(secret_key: str, datestamp: str, region: str, service: str) -> bytes:
    """SigV4's signing key for one secret, day (``YYYYMMDD``), region and service."""
    key = f"AWS4{secret_key}".encode()
    for part in (datestamp, region, service, "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    return key


def string_to_sign(amz_date: str, scope: str, canonical_request: str) -> str:
    """SigV4's string to sign for a canonical request, its ``X-Amz-Date`` and credential scope."""
    digest = hashlib.sha256(canonical_request.encode()).hexdigest()
    return f"{ALGORITHM}\n{amz_date}\n{scope}\n{digest}"


def _canonical_request(
    method: str, path: str, query: str, header_lines: str, signed_headers: str, body: bytes
) -> str:
    body_hash = hashlib.sha256(body).hexdigest() if body else _EMPTY_SHA256
    return (
        f"{method}\n{canonical_path(path)}\n{canonical_query(query)}\n"
        f"{header_lines}\n{signed_headers}\n{body_hash}"
    )


class _HmacSha256:
    """HMAC-SHA256 under one key, with the keyed inner and outer hash states computed once.

    HMAC(k, m) = H((k ^ opad) || H((k ^ ipad) || m)); copying the two prepared states costs
    a fraction of setting up a new HMAC for every request.
    """

    def __init__(self, key: bytes) -> None:
        block = key.ljust(64, b"\0")  # SigV4 signing keys are 32 bytes, within one block
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


class SigV4Signer:
    """Signs requests for one region and service; create once per client."""

    def __init__(self, region: str, service: str) -> None:
        self.region = region
        self.service = service
        self._scope_tail = f"/{region}/{service}/aws4_request"
        # Whose key it is, by identity: the credentials object, never the secret in clear.
        self._key_for: tuple[Credentials, str] | None = None
        self._key = _HmacSha256(b"")
        self._scope = ""
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
        own = tuple(headers)
        added: dict[str, str] = {}
        template = signing_template(method, path, query, own)
        if template is not None:
            self.sign_into(added, template, body, credentials, now=now)
            return added
        amz_date, datestamp = self._dates(time.time() if now is None else now)
        added["X-Amz-Date"] = amz_date
        if credentials.token:
            added["X-Amz-Security-Token"] = credentials.token
        header_lines, signed_headers = _canonical_headers([*own, *added.items()])
        canonical = _canonical_request(method, path, query, header_lines, signed_headers, body)
        self._authorize(added, amz_date, datestamp, canonical, signed_headers, credentials)
        return added

    def sign_into(
        self,
        headers: dict[str, str],
        template: SigningTemplate,
        body: bytes,
        credentials: Credentials,
        *,
        now: float | None = None,
    ) -> None:
        """Add X-Amz-Date, X-Amz-Security-Token when needed and Authorization to ``headers``,
        signing a request of ``template`` with this ``body``."""
        amz_date, datestamp = self._dates(time.time() if now is None else now)
        headers["X-Amz-Date"] = amz_date
        token = credentials.token
        if token:
            headers["X-Amz-Security-Token"] = token
            lines = (
                f"{template.head}{_DATE}:{amz_date}\n{template.between}"
                f"{_TOKEN}:{' '.join(token.split())}\n{template.after_token}"
            )
            signed = template.signed_with_token
        else:
            lines = f"{template.head}{_DATE}:{amz_date}\n{template.between}{template.after_token}"
            signed = template.signed
        body_hash = hashlib.sha256(body).hexdigest() if body else _EMPTY_SHA256
        canonical = f"{lines}\n{signed}\n{body_hash}"
        self._authorize(headers, amz_date, datestamp, canonical, signed, credentials)

    def _authorize(
        self,
        headers: dict[str, str],
        amz_date: str,
        datestamp: str,
        canonical: str,
        signed_headers: str,
        credentials: Credentials,
    ) -> None:
        key = self._signing_key(credentials, datestamp)
        signature = key.hexdigest(string_to_sign(amz_date, self._scope, canonical).encode())
        headers["Authorization"] = (
            f"{ALGORITHM} Credential={credentials.access_key}/{self._scope}, "
            f"SignedHeaders={signed_headers}, Signature={signature}"
        )

    @staticmethod
    def canonical_request(
        method: str, path: str, query: str, headers: Iterable[tuple[str, str]], body: bytes
    ) -> tuple[str, str]:
        """SigV4's canonical request for these exact headers, and its signed-headers list."""
        header_lines, signed_headers = _canonical_headers(headers)
        canonical = _canonical_request(method, path, query, header_lines, signed_headers, body)
        return canonical, signed_headers

    def _dates(self, now: float) -> tuple[str, str]:
        second = int(now)
        if second != self._second:
            self._amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(second))
            self._datestamp = self._amz_date[:8]
            self._second = second
        return self._amz_date, self._datestamp

    def _signing_key(self, credentials: Credentials, datestamp: str) -> _HmacSha256:
        """The day's signing key of these credentials (and the day's scope), made once a day
        per credentials."""
        key_for = self._key_for
        if key_for is None or key_for[0] is not credentials or key_for[1] != datestamp:
            key = signing_key(credentials.secret_key, datestamp, self.region, self.service)
            self._key = _HmacSha256(key)
            self._scope = datestamp + self._scope_tail
            self._key_for = (credentials, datestamp)
        return self._key
