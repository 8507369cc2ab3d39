"""Checking a request's SigV4 signature the way AWS's front end does, with the library's own
canonical request (`aws_mlops_async.signing.SigV4Signer.canonical_request`).

Failures are HTTP 403 with the codes the JSON protocols' front end answers with:
``MissingAuthenticationTokenException``, ``IncompleteSignatureException``,
``UnrecognizedClientException`` (unknown access key) and ``InvalidSignatureException``
(signature mismatch, expired date, credential scoped to the wrong region or service).
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass

from multidict import CIMultiDictProxy

from ..signing import ALGORITHM, SigV4Signer, signing_key, string_to_sign
from .errors import auth_error
from .settings import MAX_CLOCK_SKEW

__all__ = ["Caller", "Scope", "parse_scope", "verify"]

_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details."
)


@dataclass(frozen=True)
class Scope:
    """The parts of an Authorization header: credential scope, signed headers and signature."""

    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


@dataclass(frozen=True)
class Caller:
    """Who sent a request that passed verification."""

    access_key: str
    session_token: str | None


def parse_scope(authorization: str | None) -> Scope | None:
    """The parts of a SigV4 Authorization header; None when it is missing or not SigV4."""
    if not authorization or not authorization.startswith(ALGORITHM + " "):
        return None
    params: dict[str, str] = {}
    for part in authorization[len(ALGORITHM) + 1 :].split(","):
        name, _, value = part.strip().partition("=")
        params[name] = value
    credential = params.get("Credential", "").split("/")
    if len(credential) != 5 or credential[4] != "aws4_request" or "Signature" not in params:
        return None
    headers = params.get("SignedHeaders", "")
    return Scope(
        access_key=credential[0],
        date=credential[1],
        region=credential[2],
        service=credential[3],
        signed_headers=tuple(headers.split(";")) if headers else (),
        signature=params["Signature"],
    )


def verify(
    *,
    method: str,
    raw_path: str,
    headers: CIMultiDictProxy[str],
    body: bytes,
    credentials: Mapping[str, str],
    region: str,
    service: str,
    now: float | None = None,
    max_skew: float = MAX_CLOCK_SKEW,
) -> Caller:
    """The caller of a correctly signed request; a `LocalError` (HTTP 403) otherwise.

    ``raw_path`` is the path and query as received; ``credentials`` maps access keys to secret
    keys; ``region`` and ``service`` are what the credential scope must name.
    """
    authorization = headers.get("Authorization")
    if not authorization:
        raise auth_error("MissingAuthenticationTokenException", "Missing Authentication Token")
    scope = parse_scope(authorization)
    if scope is None:
        raise auth_error(
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' "
            f"parameters and the {ALGORITHM} algorithm.",
        )
    amz_date = headers.get("X-Amz-Date", "")
    signed_at = _parse_amz_date(amz_date)
    if signed_at is None:
        raise auth_error(
            "IncompleteSignatureException",
            "Authorization header requires existence of a valid 'X-Amz-Date' header.",
        )
    if "host" not in scope.signed_headers or "x-amz-date" not in scope.signed_headers:
        raise auth_error(
            "InvalidSignatureException",
            "'Host' and 'X-Amz-Date' must be SignedHeaders in the AWS Authorization.",
        )
    _check_date(amz_date, signed_at, time.time() if now is None else now, max_skew)
    if scope.date != amz_date[:8]:
        raise auth_error(
            "InvalidSignatureException",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{scope.date}' != '{amz_date[:8]}', from '{amz_date}'.",
        )
    if scope.region != region:
        raise auth_error(
            "InvalidSignatureException",
            f"Credential should be scoped to a valid region, not '{scope.region}'. ",
        )
    if scope.service != service:
        raise auth_error(
            "InvalidSignatureException",
            f"Credential should be scoped to correct service: '{service}'. ",
        )
    secret = credentials.get(scope.access_key)
    if secret is None:
        raise auth_error(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    path, _, query = raw_path.partition("?")
    signed = [(name, value) for name in scope.signed_headers for value in headers.getall(name, [])]
    canonical, signed_list = SigV4Signer.canonical_request(method, path, query, signed, body)
    credential_scope = f"{scope.date}/{scope.region}/{scope.service}/aws4_request"
    expected = hmac.new(
        signing_key(secret, scope.date, scope.region, scope.service),
        string_to_sign(amz_date, credential_scope, canonical).encode(),
        hashlib.sha256,
    ).hexdigest()
    if signed_list != ";".join(scope.signed_headers) or not hmac.compare_digest(
        expected, scope.signature
    ):
        raise auth_error("InvalidSignatureException", _MISMATCH)
    return Caller(scope.access_key, headers.get("X-Amz-Security-Token"))


def _parse_amz_date(text: str) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(text, "%Y%m%dT%H%M%SZ")))
    except ValueError:
        return None


def _amz(moment: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(moment))


def _check_date(amz_date: str, signed_at: float, now: float, max_skew: float) -> None:
    minutes = f"{max_skew / 60:g} min."
    if signed_at < now - max_skew:
        raise auth_error(
            "InvalidSignatureException",
            f"Signature expired: {amz_date} is now earlier than {_amz(now - max_skew)} "
            f"({_amz(now)} - {minutes})",
        )
    if signed_at > now + max_skew:
        raise auth_error(
            "InvalidSignatureException",
            f"Signature not yet current: {amz_date} is still later than "
            f"{_amz(now + max_skew)} ({_amz(now)} + {minutes})",
        )
