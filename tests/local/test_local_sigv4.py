"""SigV4 verification: what our client sees when the keys, scope or date are wrong."""

from __future__ import annotations

import asyncio
import calendar
import dataclasses
import json
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import ONE_PROPERTY
from local_support import CREATING_CALLS, JOB, create, raw_request
from multidict import CIMultiDict, CIMultiDictProxy

from aws_mlops_async import Config, ServiceError
from aws_mlops_async._session_clients import client_class
from aws_mlops_async.local import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, LocalAws
from aws_mlops_async.local.errors import LocalError
from aws_mlops_async.local.sigv4 import verify
from aws_mlops_async.services.batch.client import BatchClient


def test_the_default_keys_are_constants() -> None:
    assert (DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY) == ("AKIDLOCAL", "local-secret")


@pytest.mark.parametrize("service", list(CREATING_CALLS))
async def test_a_wrong_secret_key_is_an_invalid_signature(endpoint: LocalAws, service: str) -> None:
    async with endpoint.session(aws_secret_access_key="not-the-secret") as session:
        with pytest.raises(ServiceError) as caught:
            await create(session, service)
    error = caught.value
    assert isinstance(error, session.client(service).exceptions.base)
    # awsJson front ends answer authentication failures with 400, restJson ones with 403.
    status = 400 if client_class(service).service.protocol == "json" else 403
    assert (error.code, error.status_code) == ("InvalidSignatureException", status)
    assert error.attempts == 1
    assert error.message.startswith("The request signature we calculated does not match")
    assert error.request_id
    assert sum(endpoint.stats.created.values()) == 0


async def test_an_unknown_access_key_is_an_unrecognized_client(endpoint: LocalAws) -> None:
    async with endpoint.session(aws_access_key_id="AKIDUNKNOWN") as session:
        with pytest.raises(ServiceError) as caught:
            await create(session, "batch")
    assert (caught.value.code, caught.value.status_code) == ("UnrecognizedClientException", 403)
    assert caught.value.message == "The security token included in the request is invalid."


async def test_other_credentials_can_be_accepted() -> None:
    keys = {"AKIDONE": "secret-one", "AKIDTWO": "secret-two"}
    async with LocalAws(credentials=keys, region="eu-west-1") as endpoint:
        async with endpoint.session() as session:
            await create(session, "datazone")
        async with endpoint.session(
            aws_access_key_id="AKIDTWO", aws_secret_access_key="secret-two"
        ) as session:
            await create(session, "datazone")
        async with endpoint.session(
            aws_access_key_id=DEFAULT_ACCESS_KEY, aws_secret_access_key=DEFAULT_SECRET_KEY
        ) as session:
            with pytest.raises(ServiceError, match="UnrecognizedClientException"):
                await create(session, "datazone")
    assert endpoint.stats.created["notebook_run"] == 2


async def test_a_credential_scoped_to_another_region_is_rejected(endpoint: LocalAws) -> None:
    async with endpoint.session(region_name="eu-west-1") as session:
        with pytest.raises(ServiceError) as caught:
            await create(session, "sagemaker")
    assert (caught.value.code, caught.value.status_code) == ("InvalidSignatureException", 400)
    assert "scoped to a valid region, not 'eu-west-1'" in caught.value.message


async def test_a_credential_scoped_to_another_service_is_rejected(endpoint: LocalAws) -> None:
    class MisScopedBatch(BatchClient):
        service = dataclasses.replace(BatchClient.service, signing_name="datazone")

    async with endpoint.session() as session:
        with pytest.raises(ServiceError) as caught:
            await MisScopedBatch(session).submit_service_job(**JOB)
    assert (caught.value.code, caught.value.status_code) == ("InvalidSignatureException", 403)
    assert caught.value.message == "Credential should be scoped to correct service: 'batch'. "
    assert isinstance(caught.value, BatchClient.exceptions.base)  # Batch's shape, not DataZone's


@pytest.mark.parametrize(
    ("offset", "phrase"), [(600, "Signature expired"), (-600, "not yet current")]
)
async def test_a_stale_date_is_rejected(offset: float, phrase: str) -> None:
    async with (
        LocalAws(clock_offset=offset) as endpoint,
        endpoint.session(config=Config(correct_clock_skew=False)) as session,
    ):
        with pytest.raises(ServiceError) as caught:
            await create(session, "lookoutvision")
    assert (caught.value.code, caught.value.status_code) == ("InvalidSignatureException", 403)
    assert phrase in caught.value.message


async def test_a_small_skew_is_accepted() -> None:
    async with LocalAws(clock_offset=240) as endpoint, endpoint.session() as session:
        await create(session, "sagemaker")
    assert endpoint.stats.received["CreateImageVersion"] == 1
    assert session.clock_offset == 0.0


async def test_unsigned_and_malformed_requests(endpoint: LocalAws) -> None:
    path = "/v1/describeservicejob"
    status, headers, body = await raw_request(
        endpoint, "batch", "POST", path, body=b'{"jobId": "x"}', sign=False
    )
    assert (status, headers["x-amzn-ErrorType"]) == (403, "MissingAuthenticationTokenException")
    assert body == {"message": "Missing Authentication Token"}
    assert headers["x-amzn-RequestId"]
    status, headers, body = await raw_request(
        endpoint,
        "batch",
        "POST",
        path,
        body=b"{}",
        sign=False,
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDLOCAL"},
    )
    assert (status, headers["x-amzn-ErrorType"]) == (403, "IncompleteSignatureException")
    status, _, body = await raw_request(
        endpoint,
        "sagemaker",
        "POST",
        "/",
        body=b"{}",
        headers={"X-Amz-Target": "SageMaker.ListImageVersions"},
        secret_key="wrong",
    )
    assert status == 400 and body["__type"] == "InvalidSignatureException"


async def test_signatures_need_not_be_checked() -> None:
    async with LocalAws(verify_signatures=False) as endpoint:
        status, _, body = await raw_request(
            endpoint,
            "sagemaker",
            "POST",
            "/",
            body=b'{"ImageName": "nope"}',
            headers={
                "X-Amz-Target": "SageMaker.DescribeImageVersion",
                "Content-Type": "application/x-amz-json-1.1",
            },
            sign=False,
        )
    assert (status, body["__type"]) == (400, "ResourceNotFound")


# ---- malformed Authorization headers: a 4xx in the service's shape, never a 500 --------------


async def _send_raw(endpoint: LocalAws, request: bytes) -> tuple[int, dict[str, str], Any]:
    """Send bytes as they are (no client would send some of them); the status, headers and
    JSON body of the answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", endpoint.port)
    try:
        writer.write(request)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (h.partition(":") for h in lines)}
    return int(status_line.split()[1]), headers, json.loads(body) if body else None


def _signed_parts(service: str, *, terminator: str = "aws4_request") -> tuple[bytes, bytes]:
    """A current X-Amz-Date and the Credential parameter for it (default keys and region)."""
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    credential = f"Credential={DEFAULT_ACCESS_KEY}/{amz_date[:8]}/us-east-1/{service}/{terminator}"
    return amz_date.encode(), credential.encode()


def _malformed(service: str) -> dict[str, tuple[bytes, bytes, str, str]]:
    """Authorization headers (with their X-Amz-Date) AWS refuses; the code and a piece of the
    message it refuses each with."""
    amz_date, credential = _signed_parts(service)
    _, other_terminator = _signed_parts(service, terminator="aws5_request")
    signed = b"SignedHeaders=host;x-amz-date"
    good = credential + b", " + signed + b", Signature="
    incomplete, invalid = "IncompleteSignatureException", "InvalidSignatureException"
    return {
        "garbage": (b"garbage", amz_date, incomplete, "Authorization=garbage"),
        "truncated": (b"AWS4-HMAC-SHA256 Cred", amz_date, incomplete, "'Cred' not a valid"),
        "wrong algorithm": (
            b"AWS4-HMAC-SHA512 " + good + b"abc",
            amz_date,
            incomplete,
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'.",
        ),
        "non-ASCII signature": (
            b"AWS4-HMAC-SHA256 " + good + "é0".encode(),
            amz_date,
            invalid,
            "does not match",
        ),
        "a byte that is not UTF-8 in the signature": (
            b"AWS4-HMAC-SHA256 " + good + b"\xff",
            amz_date,
            invalid,
            "does not match",
        ),
        "no SignedHeaders": (
            b"AWS4-HMAC-SHA256 " + credential + b", Signature=abc",
            amz_date,
            incomplete,
            "requires 'SignedHeaders' parameter.",
        ),
        "an empty Signature": (
            b"AWS4-HMAC-SHA256 " + good,
            amz_date,
            incomplete,
            "requires 'Signature' parameter.",
        ),
        "a date that does not parse": (
            b"AWS4-HMAC-SHA256 " + good + b"abc",
            b"2024-13-99",
            incomplete,
            "Date must be in ISO-8601 'basic format'. Got '2024-13-99'.",
        ),
        "a date in other digits": (
            b"AWS4-HMAC-SHA256 " + good + b"abc",
            "２０２４０１０１T000000Z".encode(),
            incomplete,
            "Date must be in ISO-8601 'basic format'.",
        ),
        "a short Credential": (
            b"AWS4-HMAC-SHA256 Credential=AKIDLOCAL/us-east-1, " + signed + b", Signature=abc",
            amz_date,
            incomplete,
            "Credential must have exactly 5 slash-delimited elements",
        ),
        "another terminator": (
            b"AWS4-HMAC-SHA256 " + other_terminator + b", " + signed + b", Signature=abc",
            amz_date,
            invalid,
            "valid terminator: 'aws4_request', not 'aws5_request'.",
        ),
        "a signed header whose value is not UTF-8": (
            b"AWS4-HMAC-SHA256 " + credential + b", SignedHeaders=host;x-amz-date;x-odd, "
            b"Signature=abc\r\nX-Odd: \xff\xfe",
            amz_date,
            invalid,
            "does not match",
        ),
    }


def _request(service: str, authorization: bytes, amz_date: bytes) -> bytes:
    body = b'{"jobId": "x"}' if service == "batch" else b"{}"
    path, target = (
        (b"/v1/describeservicejob", b"")
        if service == "batch"
        else (b"/", b"X-Amz-Target: SageMaker.ListImageVersions\r\n")
    )
    return (
        b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + target
        + b"Content-Type: application/json\r\nX-Amz-Date: " + amz_date + b"\r\n"
        + b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        + b"Authorization: " + authorization + b"\r\n\r\n" + body
    )  # fmt: skip


@pytest.mark.parametrize("service", ["batch", "sagemaker"])
@pytest.mark.parametrize("case", list(_malformed("batch")))
async def test_a_malformed_authorization_is_refused_as_aws_refuses_it(
    endpoint: LocalAws, service: str, case: str
) -> None:
    authorization, amz_date, code, says = _malformed(service)[case]
    status, headers, body = await _send_raw(endpoint, _request(service, authorization, amz_date))
    if service == "batch":  # restJson: 403, the code in x-amzn-ErrorType
        assert (status, headers.get("x-amzn-errortype")) == (403, code), body
        message = body["message"]
    else:  # awsJson front ends answer authentication failures with 400, the code in __type
        assert (status, body["__type"]) == (400, code), body
        message = body["message"]
    assert says in message
    assert headers["x-amzn-requestid"]
    assert endpoint.stats.errors[code] == 1
    assert sum(endpoint.stats.created.values()) == 0


_HEADER_TEXT = st.lists(
    st.one_of(
        st.characters(max_codepoint=127),
        st.characters(categories=["Cs"]),  # how bytes that are not UTF-8 arrive
        st.characters(exclude_categories=()),
    ),
    max_size=40,
).map("".join)
"""Any text a header can arrive as: ASCII, lone surrogates, anything else."""

_GOOD = {
    "algorithm": "AWS4-HMAC-SHA256",
    "Credential=": "Credential",
    "access key": DEFAULT_ACCESS_KEY,
    "day": "20240101",
    "region": "us-east-1",
    "service": "batch",
    "terminator": "aws4_request",
    "SignedHeaders=": "SignedHeaders",
    "signed headers": "host;x-amz-date;x-odd",
    "Signature=": "Signature",
    "signature": "0" * 64,
    "separator": ", ",
    "X-Amz-Date": "20240101T000000Z",
    "X-Odd": "odd",
}


@pytest.mark.parametrize("broken", [*_GOOD, "the whole header"])
@ONE_PROPERTY
@given(text=_HEADER_TEXT, order=st.permutations(range(3)))
def test_any_authorization_is_a_403_with_a_code_aws_uses(
    broken: str, text: str, order: list[int]
) -> None:
    """A well-formed request but for one part, any text there: refused with a 403 and one of
    the codes AWS's front end answers with, whatever the text."""
    part = {**_GOOD, broken: text} if broken in _GOOD else _GOOD
    params = [
        f"{part['Credential=']}={part['access key']}/{part['day']}/{part['region']}/"
        f"{part['service']}/{part['terminator']}",
        f"{part['SignedHeaders=']}={part['signed headers']}",
        f"{part['Signature=']}={part['signature']}",
    ]
    authorization = f"{part['algorithm']} {part['separator'].join(params[i] for i in order)}"
    headers = CIMultiDict(
        {
            "Host": "127.0.0.1",
            "X-Amz-Date": part["X-Amz-Date"],
            "X-Odd": part["X-Odd"],
            "Authorization": text if broken == "the whole header" else authorization,
        }
    )
    with pytest.raises(LocalError) as caught:
        verify(
            method="POST",
            raw_path="/v1/describeservicejob",
            headers=CIMultiDictProxy(headers),
            body=b"{}",
            credentials={DEFAULT_ACCESS_KEY: DEFAULT_SECRET_KEY},
            region="us-east-1",
            service="batch",
            now=calendar.timegm((2024, 1, 1, 0, 0, 0)),
        )
    assert caught.value.status == 403
    assert caught.value.code in {
        "MissingAuthenticationTokenException",
        "IncompleteSignatureException",
        "InvalidSignatureException",
        "UnrecognizedClientException",
    }
