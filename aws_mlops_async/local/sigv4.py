"""Checking a request's SigV4 signature the way AWS's front end does, with the library's own
canonical request (`aws_mlops_async.signing.SigV4Signer.canonical_request`).

Failures are HTTP 403 with the codes and messages the JSON protocols' front end answers with,
whatever the request holds: ``MissingAuthenticationTokenException`` (no Authorization),
``IncompleteSignatureException`` (an Authorization header or X-Amz-Date of the wrong form: not
SigV4, a part without ``=``, a missing Credential, SignedHeaders or Signature, a Credential
without its 5 parts, a date that does not parse), ``UnrecognizedClientException`` (unknown
access key) and ``InvalidSignatureException`` (signature mismatch, whatever its characters;
expired date; credential scoped to the wrong region, service, terminator or day).
"""

from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from multidict import CIMultiDictProxy

from ..signing import ALGORITHM, SigV4Signer, signing_key, string_to_sign
from .errors import LocalError, auth_error
from .settings import MAX_CLOCK_SKEW

__all__ = ["Caller", "Scope", "parse_scope", "verify"]

_AMZ_DATE = re.compile(r"\d{8}T\d{6}Z", re.ASCII)

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
    terminator: str
    signed_headers: tuple[str, ...]
    signature: str


@dataclass(frozen=True)
class Caller:
    """Who sent a request that passed verification."""

    access_key: str
    session_token: str | None


def parse_scope(authorization: str | None) -> Scope | None:
    """The parts of a SigV4 Authorization header; None when it is missing or malformed."""
    if not authorization:
        return None
    try:
        return _parse(authorization)
    except LocalError:
        return None


def _parse(authorization: str) -> Scope:
    """The parts of a SigV4 Authorization header; an ``IncompleteSignatureException`` saying
    what is wrong with its form, as AWS's front end says it."""
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != ALGORITHM:
        if algorithm.startswith("AWS4-"):
            raise _incomplete(f"Unsupported AWS 'algorithm': '{algorithm}'.")
        raise _incomplete(_requires(_PARAMETERS, algorithm))
    params: dict[str, str] = {}
    for part in rest.split(","):
        part = part.strip()
        if not part:
            continue
        name, equals, value = part.partition("=")
        if not equals:
            raise _incomplete(
                f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization "
                f"header: '{authorization}'"
            )
        params[name.strip()] = value.strip()
    missing = [name for name in _PARAMETERS if not params.get(name)]
    if missing:
        raise _incomplete(_requires(missing, algorithm))
    credential = params["Credential"].split("/")
    if len(credential) != 5:
        raise _incomplete(
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            f"keyid/date/region/service/term, got '{params['Credential']}'"
        )
    access_key, date, region, service, terminator = credential
    return Scope(
        access_key=access_key,
        date=date,
        region=region,
        service=service,
        terminator=terminator,
        signed_headers=tuple(params["SignedHeaders"].split(";")),
        signature=params["Signature"],
    )


_PARAMETERS = ("Credential", "Signature", "SignedHeaders")


def _requires(missing: Sequence[str], algorithm: str) -> str:
    return " ".join(
        [f"Authorization header requires '{name}' parameter." for name in missing]
        + [f"Authorization={algorithm}"]
    )


def _incomplete(message: str) -> LocalError:
    return auth_error("IncompleteSignatureException", message)


def _invalid(message: str) -> LocalError:
    return auth_error("InvalidSignatureException", message)


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
    """The caller of a correctly signed request; a `LocalError` (HTTP 403) otherwise, whatever
    the request holds.

    ``raw_path`` is the path and query as received; ``credentials`` maps access keys to secret
    keys; ``region`` and ``service`` are what the credential scope must name.
    """
    authorization = headers.get("Authorization")
    if not authorization:
        raise auth_error("MissingAuthenticationTokenException", "Missing Authentication Token")
    scope = _parse(authorization)
    amz_date = headers.get("X-Amz-Date")
    if amz_date is None:
        raise _incomplete("Authorization header requires existence of a valid 'X-Amz-Date' header.")
    if "host" not in scope.signed_headers or "x-amz-date" not in scope.signed_headers:
        raise _invalid("'Host' and 'X-Amz-Date' must be SignedHeaders in the AWS Authorization.")
    signed_at = _parse_amz_date(amz_date)
    if signed_at is None:
        raise _incomplete(
            f"Date must be in ISO-8601 'basic format'. Got '{amz_date}'. "
            "See http://en.wikipedia.org/wiki/ISO_8601"
        )
    _check_date(amz_date, signed_at, time.time() if now is None else now, max_skew)
    wrong_scope = [
        f"Credential should be scoped to a valid region, not '{scope.region}'. "
        if scope.region != region
        else "",
        f"Credential should be scoped to correct service: '{service}'. "
        if scope.service != service
        else "",
        f"Credential should be scoped with a valid terminator: 'aws4_request', not "
        f"'{scope.terminator}'. "
        if scope.terminator != "aws4_request"
        else "",
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        f"HTTP: '{scope.date}' != '{amz_date[:8]}', from '{amz_date}'."
        if scope.date != amz_date[:8]
        else "",
    ]
    if any(wrong_scope):
        raise _invalid("".join(wrong_scope))
    secret = credentials.get(scope.access_key)
    if secret is None:
        raise auth_error(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    if not (
        scope.signature.isascii()
        and _matches(scope, secret, amz_date, method, raw_path, headers, body)
    ):
        raise _invalid(_MISMATCH)
    return Caller(scope.access_key, headers.get("X-Amz-Security-Token"))


def _matches(
    scope: Scope,
    secret: str,
    amz_date: str,
    method: str,
    raw_path: str,
    headers: CIMultiDictProxy[str],
    body: bytes,
) -> bool:
    """Whether the signature is the one ``secret`` makes of this request."""
    path, _, query = raw_path.partition("?")
    signed = [(name, value) for name in scope.signed_headers for value in headers.getall(name, [])]
    canonical, signed_list = SigV4Signer.canonical_request(method, path, query, signed, body)
    if signed_list != ";".join(scope.signed_headers):
        return False
    credential_scope = f"{scope.date}/{scope.region}/{scope.service}/aws4_request"
    try:
        to_sign = string_to_sign(amz_date, credential_scope, canonical).encode()
    except UnicodeEncodeError:  # a header's bytes were not UTF-8: no client signed that
        return False
    expected = hmac.new(
        signing_key(secret, scope.date, scope.region, scope.service), to_sign, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, scope.signature)


def _parse_amz_date(text: str) -> float | None:
    if not _AMZ_DATE.fullmatch(text):
        return None
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
