"""One hierarchy: what used to escape `except AwsError` is now an AwsError subclass that says
what went wrong, and no credential shows through vars() or repr()."""

from __future__ import annotations

import asyncio
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from registry import SERVICES
from support import LoopbackServer, json_reply

from aws_mlops_async import (
    AwsError,
    ConfigurationError,
    CredentialsError,
    EventLoopMismatch,
    MalformedResponseError,
    NoCredentialsError,
    ServiceError,
    Session,
    ValidationError,
)
from aws_mlops_async.credentials import ChainCredentialProvider
from aws_mlops_async.profile import SharedProfile

SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYzzSECRET"


async def test_a_failing_credential_process_is_a_credentials_error(
    isolated_aws_env: Path,
) -> None:
    (isolated_aws_env / "config").write_text(
        "[profile broken]\ncredential_process = /bin/false\n", encoding="utf-8"
    )
    provider = ChainCredentialProvider(SharedProfile("broken"))
    with pytest.raises(CredentialsError) as caught:
        await provider.get_credentials()
    assert caught.value.__cause__ is not None
    assert type(caught.value.__cause__).__name__ == "CredentialRetrievalError"


async def test_a_failed_refresh_is_a_credentials_error() -> None:
    class Expired:
        async def get_frozen_credentials(self) -> Any:
            raise RuntimeError("Credentials were refreshed, but the refreshed credentials are "
                               "still expired.")  # fmt: skip

    provider = ChainCredentialProvider(SharedProfile(None))
    provider._source = Expired()
    with pytest.raises(CredentialsError, match="still expired") as caught:
        await provider.get_credentials()
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_no_credentials_is_a_credentials_error() -> None:
    assert issubclass(NoCredentialsError, CredentialsError)
    assert issubclass(CredentialsError, AwsError)


async def test_no_provider_shows_a_key_through_vars_or_repr(
    isolated_aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", "TOKEN-" + SECRET)
    async with Session(region_name="us-east-1") as chained:
        credentials = await chained.credentials.get_credentials()
        assert credentials.secret_key == SECRET
        shown = repr(vars(chained.credentials)) + repr(chained.credentials) + repr(credentials)
        assert SECRET not in shown
        with pytest.raises(TypeError):
            vars(credentials)  # slots: no __dict__ to show
    static = Session(aws_access_key_id="AKID", aws_secret_access_key=SECRET)
    assert SECRET not in repr(vars(static.credentials)) + repr(vars(static))


async def test_a_signer_keeps_no_secret_in_clear(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply({})
    async with make_session(aws_secret_access_key=SECRET) as session:
        await session.batch.terminate_service_job(job_id="j", reason="r")
        target = session.batch._target
        assert target is not None
        assert SECRET not in repr(vars(target.signer)) + repr(vars(session.batch))


def test_a_session_used_from_a_second_event_loop_says_so() -> None:
    session = Session(
        region_name="us-east-1", aws_access_key_id="AKID", aws_secret_access_key=SECRET
    )
    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:

        async def use() -> None:
            session.http_session()

        first.run_until_complete(use())
        with pytest.raises(EventLoopMismatch, match="another event loop"):
            second.run_until_complete(use())
        assert isinstance(EventLoopMismatch(), AwsError)
        first.run_until_complete(session.close())
    finally:
        first.close()
        second.close()


async def test_an_unknown_paginator_or_waiter_is_a_configuration_error() -> None:
    session = Session(region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key="B")
    for client in (getattr(session, service.name) for service in SERVICES):
        with pytest.raises(ConfigurationError, match="no paginator"):
            client.get_paginator("list_everything")  # type: ignore[call-overload]
        with pytest.raises(ConfigurationError, match="no waiter"):
            client.get_waiter("everything_done")  # type: ignore[call-overload]
    assert issubclass(ConfigurationError, ValueError)  # as before, for old handlers


async def test_a_malformed_response_speaks_of_the_response(
    server: LoopbackServer, make_session: Callable[..., Session]
) -> None:
    server.default = json_reply({"jobArn": 5, "jobName": [], "jobId": "j"})
    async with make_session() as session:
        with pytest.raises(MalformedResponseError) as caught:
            await session.batch.submit_service_job(
                job_name="j",
                job_queue="q",
                service_job_type="SAGEMAKER_TRAINING",
                service_request_payload="{}",
            )
    text = str(caught.value)
    assert text.startswith("The SubmitServiceJob response could not be read: ")
    assert "jobArn" in text and "Invalid parameters" not in text


@pytest.mark.parametrize("header", [":", "#", "aws.protocols#", " ", ":detail"])
async def test_an_error_type_that_names_no_code_falls_back_to_the_status(
    server: LoopbackServer, make_session: Callable[..., Session], header: str
) -> None:
    server.default = json_reply({}, status=418, headers={"x-amzn-ErrorType": header})
    async with make_session() as session:
        with pytest.raises(ServiceError) as caught:
            await session.batch.terminate_service_job(job_id="j", reason="r")
    assert caught.value.code == "418"


async def test_an_over_long_map_value_speaks_of_characters() -> None:
    session = Session(region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key="B")
    with pytest.raises(ValidationError) as caught:
        await session.batch.submit_service_job(
            job_name="j",
            job_queue="q",
            service_job_type="SAGEMAKER_TRAINING",
            service_request_payload="{}",
            tags={"team": "x" * 257},
        )
    assert "at most 256 characters" in str(caught.value)


def test_errors_survive_pickling() -> None:
    error = EventLoopMismatch()
    assert str(pickle.loads(pickle.dumps(error))) == str(error)
