"""SigV4 against the AWS Signature Version 4 test suite and against botocore's signer."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotoCredentials
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import ONE_PROPERTY
from registry import SERVICES

from aws_mlops_async._session_clients import client_class
from aws_mlops_async.credentials import Credentials
from aws_mlops_async.signing import SigV4Signer, canonical_path, canonical_query

#: The name each service of the registry signs its requests for.
SIGNING_NAMES = [client_class(service.name).service.signing_name for service in SERVICES]

SUITE = Path(__file__).parent.parent / "data" / "aws4_testsuite"
SUITE_TIME = calendar.timegm((2015, 8, 30, 12, 36, 0))
SUITE_CREDENTIALS = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
# Added by the signer from credentials, never taken from the request file.
SIGNER_HEADERS = {"x-amz-date", "x-amz-security-token"}


@dataclass
class SuiteCase:
    name: str
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    token: str | None
    expected_creq: str
    expected_authz: str


def parse_request(text: str) -> tuple[str, str, str, list[tuple[str, str]], bytes]:
    head, _, body = text.partition("\n\n")
    request_line, *header_lines = head.split("\n")
    method, rest = request_line.split(" ", 1)
    target = rest.rsplit(" ", 1)[0]
    path, _, query = target.partition("?")
    headers: list[tuple[str, str]] = []
    for line in header_lines:
        if not line:
            continue
        if line[:1].isspace():  # a folded continuation of the previous value
            name, value = headers.pop()
            headers.append((name, f"{value}\n{line}"))
        else:
            name, _, value = line.partition(":")
            headers.append((name, value))
    return method, path, query, headers, body.encode()


def load_cases() -> list[SuiteCase]:
    cases = []
    for request_file in sorted(SUITE.rglob("*.req")):
        folder, name = request_file.parent, request_file.stem
        if name == "post-sts-header-after":
            continue  # the token is added after signing there; we (like botocore) always sign it
        method, path, query, headers, body = parse_request(request_file.read_text())
        creq = (folder / f"{name}.creq").read_text()
        token = next((v for k, v in headers if k.lower() == "x-amz-security-token"), None)
        if token is None and "x-amz-security-token:" in creq:
            token = creq.split("x-amz-security-token:")[1].split("\n")[0]
        cases.append(
            SuiteCase(
                name=name,
                method=method,
                path=path,
                query=query,
                headers=[(k, v) for k, v in headers if k.lower() not in SIGNER_HEADERS],
                body=body,
                token=token,
                expected_creq=creq,
                expected_authz=(folder / f"{name}.authz").read_text(),
            )
        )
    return cases


CASES = load_cases()


def test_the_whole_suite_is_loaded() -> None:
    assert len(CASES) == 33  # 34 request files, less post-sts-header-after


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_aws_sigv4_test_suite(case: SuiteCase) -> None:
    signer = SigV4Signer("us-east-1", "service")
    credentials = Credentials(
        SUITE_CREDENTIALS.access_key, SUITE_CREDENTIALS.secret_key, case.token
    )
    added = {"X-Amz-Date": "20150830T123600Z"}
    if case.token:
        added["X-Amz-Security-Token"] = case.token

    creq, _ = signer.canonical_request(
        case.method, case.path, case.query, [*case.headers, *added.items()], case.body
    )
    signed = signer.sign(
        case.method, case.path, case.query, case.headers, case.body, credentials, now=SUITE_TIME
    )

    assert creq == case.expected_creq
    assert signed["Authorization"] == case.expected_authz
    assert signed["X-Amz-Date"] == "20150830T123600Z"
    assert signed.get("X-Amz-Security-Token") == case.token


def test_signing_key_is_derived_once_per_day_and_secret() -> None:
    signer = SigV4Signer("us-east-1", "batch")
    with mock.patch(
        "aws_mlops_async.signing.hmac.digest", wraps=__import__("hmac").digest
    ) as hmac_new:
        signer.sign("POST", "/", "", [("host", "h")], b"{}", SUITE_CREDENTIALS, now=SUITE_TIME)
        first = hmac_new.call_count
        signer.sign("POST", "/", "", [("host", "h")], b"{}", SUITE_CREDENTIALS, now=SUITE_TIME + 5)
        second = hmac_new.call_count - first
        signer.sign(
            "POST", "/", "", [("host", "h")], b"{}", SUITE_CREDENTIALS, now=SUITE_TIME + 86400
        )
        next_day = hmac_new.call_count - first - second
    assert first == 4  # the four derivation steps; the signature uses the prepared key
    assert second == 0  # the day's key is cached
    assert next_day == 4


def test_canonical_path_encodes_the_wire_path_again_and_drops_dot_segments() -> None:
    assert canonical_path("/v2/domains/a%2F..%2Fb/notebook-runs") == (
        "/v2/domains/a%252F..%252Fb/notebook-runs"
    )
    assert canonical_path("/a/./b/../c//d/") == "/a/c/d/"
    assert canonical_path("") == "/"


def test_canonical_query_sorts_and_encodes_strictly() -> None:
    assert canonical_query("b=2&a=x y&a=1&c") == "a=1&a=x%20y&b=2&c="


# --- agreement with botocore on random requests -----------------------------------------

SEGMENT = st.text(min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))
HEADER_NAME = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12
).filter(lambda s: s not in ("host", "x-amz-date", "x-amz-security-token", "expect"))
HEADER_VALUE = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)
TOKEN = st.one_of(st.none(), st.text(alphabet="ABCDEFabcdef0123456789+/=", min_size=1, max_size=60))


@ONE_PROPERTY
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    segments=st.lists(SEGMENT, max_size=4),
    query=st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=4),
    headers=st.dictionaries(HEADER_NAME, HEADER_VALUE, max_size=4),
    body=st.binary(max_size=64),
    token=TOKEN,
    region=st.sampled_from(["us-east-1", "eu-west-3", "cn-north-1", "us-gov-west-1"]),
    service=st.sampled_from(SIGNING_NAMES),
    seconds=st.integers(min_value=1_500_000_000, max_value=2_000_000_000),
)
def test_agrees_with_botocore_sigv4auth(
    method: str,
    segments: list[str],
    query: list[tuple[str, str]],
    headers: dict[str, str],
    body: bytes,
    token: str | None,
    region: str,
    service: str,
    seconds: int,
) -> None:
    path = "/" + "/".join(quote(segment, safe="-._~") for segment in segments)
    query_string = "&".join(f"{quote(k, safe='-._~')}={quote(v, safe='-._~')}" for k, v in query)
    host = f"{service}.{region}.amazonaws.com"
    url = f"https://{host}{path}" + (f"?{query_string}" if query_string else "")

    ours = SigV4Signer(region, service).sign(
        method,
        path,
        query_string,
        [("Host", host), *headers.items()],
        body,
        Credentials("AKIDEXAMPLE", "secret/KEY+value", token),
        now=seconds,
    )

    request = AWSRequest(method=method, url=url, headers={"Host": host, **headers}, data=body)
    moment = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    with mock.patch("botocore.auth.get_current_datetime", return_value=moment):
        SigV4Auth(
            BotoCredentials("AKIDEXAMPLE", "secret/KEY+value", token), service, region
        ).add_auth(request)

    assert ours["Authorization"] == request.headers["Authorization"]
    assert ours["X-Amz-Date"] == request.headers["X-Amz-Date"]
    assert ours.get("X-Amz-Security-Token") == request.headers.get("X-Amz-Security-Token")
