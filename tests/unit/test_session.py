"""Session set-up: region and credential resolution, clients, configuration checks."""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from typing import Any, ClassVar

import pytest
from registry import SERVICES

from aws_mlops_async import (
    Config,
    ConfigurationError,
    Credentials,
    NoCredentialsError,
    NoRegionError,
    Session,
)
from aws_mlops_async.credentials import ChainCredentialProvider
from aws_mlops_async.profile import SharedProfile
from aws_mlops_async.services.batch.client import BatchClient


def test_session_and_config_signatures_are_exactly_as_documented() -> None:
    assert list(inspect.signature(Session).parameters) == [
        "region_name",
        "profile_name",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "endpoint_url",
        "config",
        "http_session",
        "interceptors",
        "transport",
    ]
    assert list(inspect.signature(Config).parameters) == [
        "retry_mode",
        "max_attempts",
        "connect_timeout",
        "read_timeout",
        "total_timeout",
        "call_timeout",
        "max_pool_connections",
        "use_fips_endpoint",
        "use_dualstack_endpoint",
        "correct_clock_skew",
    ]
    assert Config().retry_mode == "standard" and Config().max_attempts == 3
    assert list(inspect.signature(Session.client).parameters) == [
        "self",
        "name",
        "region_name",
        "endpoint_url",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"retry_mode": "legacy"}, "retry_mode"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": True}, "max_attempts"),
        ({"connect_timeout": 0}, "connect_timeout"),
        ({"read_timeout": -1.0}, "read_timeout"),
        ({"total_timeout": "5"}, "total_timeout"),
        ({"max_pool_connections": 0}, "max_pool_connections"),
    ],
)
def test_bad_config_values_are_refused_by_name(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigurationError, match=field):
        Config(**changes)


def write_profiles(folder: Path, config: str, credentials: str = "") -> None:
    (folder / "config").write_text(config)
    (folder / "credentials").write_text(credentials)


async def test_region_comes_from_argument_then_environment_then_profile(
    isolated_aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(
        isolated_aws_env, "[default]\nregion = ap-south-1\n[profile dev]\nregion = eu-west-2\n"
    )
    assert await Session(region_name="us-west-1").region() == "us-west-1"
    assert await Session().region() == "ap-south-1"
    assert await Session(profile_name="dev").region() == "eu-west-2"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ca-central-1")
    assert await Session(profile_name="dev").region() == "ca-central-1"
    monkeypatch.setenv("AWS_REGION", "sa-east-1")
    assert await Session(profile_name="dev").region() == "sa-east-1"
    assert await Session(region_name="us-west-1", profile_name="dev").region() == "us-west-1"


async def test_no_region_is_a_clear_error_on_first_use(isolated_aws_env: Path) -> None:
    session = Session(aws_access_key_id="a", aws_secret_access_key="b")
    client = session.batch  # creating a client needs no region and does no I/O
    with pytest.raises(NoRegionError) as caught:
        await client.describe_service_job(job_id="job-1")
    message = str(caught.value)
    for way in ("region_name", "AWS_REGION", "AWS_DEFAULT_REGION", "profile"):
        assert way in message
    await session.close()


async def test_an_unknown_profile_is_a_configuration_error(isolated_aws_env: Path) -> None:
    with pytest.raises(ConfigurationError, match="nope"):
        await Session(profile_name="nope").region()


async def test_explicit_keys_are_used_as_given() -> None:
    session = Session(
        region_name="us-east-1",
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="secret",
        aws_session_token="token",
    )
    assert await session.credentials.get_credentials() == Credentials(
        "AKIAEXAMPLE", "secret", "token"
    )


@pytest.mark.parametrize(
    "keys",
    [
        {"aws_access_key_id": "a"},
        {"aws_secret_access_key": "b"},
        {"aws_session_token": "t"},
        {"aws_access_key_id": "", "aws_secret_access_key": "b"},
    ],
)
def test_incomplete_explicit_keys_are_refused(keys: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match="aws_"):
        Session(region_name="us-east-1", **keys)


async def test_the_provider_chain_reads_the_environment_and_profiles(
    isolated_aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_profiles(
        isolated_aws_env,
        "[profile ci]\nregion = us-east-2\n",
        "[ci]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n",
    )
    from_profile = await Session(profile_name="ci").credentials.get_credentials()
    assert from_profile == Credentials("AKIDPROFILE", "profile-secret")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "env-token")
    from_env = await Session().credentials.get_credentials()
    assert from_env == Credentials("AKIDENV", "env-secret", "env-token")


async def test_no_credentials_anywhere_is_a_clear_error(isolated_aws_env: Path) -> None:
    with pytest.raises(NoCredentialsError, match="aws_access_key_id"):
        await Session(region_name="us-east-1").credentials.get_credentials()


class CountingSource:
    """Stands in for aiobotocore's refreshable credentials."""

    def __init__(self) -> None:
        self.frozen = ("AKID1", "secret-1", None)
        self.calls = 0

    async def get_frozen_credentials(self) -> Any:
        self.calls += 1
        await asyncio.sleep(0)
        access, secret, token = self.frozen
        return _Frozen(access, secret, token, self)


class _Frozen:
    cache: ClassVar[dict[tuple[Any, ...], _Frozen]] = {}

    def __new__(cls, access: str, secret: str, token: str | None, source: object) -> _Frozen:
        # aiobotocore returns the same frozen object until it refreshes.
        key = (access, secret, token, id(source))
        if key not in cls.cache:
            item = super().__new__(cls)
            item.access_key, item.secret_key, item.token = access, secret, token
            cls.cache[key] = item
        return cls.cache[key]

    access_key: str
    secret_key: str
    token: str | None


async def test_the_chain_is_resolved_once_for_many_concurrent_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = CountingSource()
    resolutions = 0

    class FakeBotocoreSession:
        async def get_credentials(self) -> CountingSource:
            nonlocal resolutions
            resolutions += 1
            await asyncio.sleep(0.01)
            return source

    async def fake_session(self: SharedProfile) -> FakeBotocoreSession:
        return FakeBotocoreSession()

    monkeypatch.setattr(SharedProfile, "botocore_session", fake_session)
    provider = ChainCredentialProvider(SharedProfile(None))
    first = await asyncio.gather(*(provider.get_credentials() for _ in range(50)))
    assert resolutions == 1
    assert source.calls == 50  # each request asks for the current frozen keys
    assert all(item is first[0] for item in first)  # converted once per refresh
    source.frozen = ("AKID2", "secret-2", "token-2")  # aiobotocore refreshed
    refreshed = await provider.get_credentials()
    assert refreshed == Credentials("AKID2", "secret-2", "token-2")
    assert resolutions == 1


def test_credentials_repr_hides_secrets() -> None:
    text = repr(Credentials("AKIAABCDEFGHIJKLMNOP", "very-secret-key", "session-token-value"))
    assert "very-secret-key" not in text
    assert "session-token-value" not in text
    assert "AKIAABCDEFGHIJKLMNOP" not in text


async def test_clients_are_cached_cheap_and_overridable() -> None:
    session = Session(region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    assert session.batch is session.batch
    assert session.client("batch") is session.batch
    assert isinstance(session.batch, BatchClient)
    assert session.batch.exceptions.ClientException.__name__ == "ClientException"
    other = session.client("batch", region_name="eu-west-1")
    assert other is not session.batch
    assert await other.region() == "eu-west-1"
    assert await session.batch.region() == "us-east-1"
    known = ", ".join(service.name for service in SERVICES)
    with pytest.raises(ConfigurationError, match=rf"no service 's3' \(there are: {known}\)$"):
        session.client("s3")  # type: ignore[call-overload]
    await session.close()
    assert session.closed


def test_a_session_can_be_created_outside_a_running_loop() -> None:
    session = Session(region_name="us-east-1")
    assert session.batch is not None  # no aiohttp session yet: nothing to leak
    assert "region=us-east-1" in repr(session)


def test_config_must_be_a_config() -> None:
    with pytest.raises(ConfigurationError, match="Config"):
        Session(config={"max_attempts": 2})  # type: ignore[arg-type]


def test_a_bad_endpoint_url_is_a_configuration_error_as_it_is_given() -> None:
    with pytest.raises(ConfigurationError, match="endpoint_url must be an http"):
        Session(region_name="us-east-1", endpoint_url="ftp://example.com")


@pytest.mark.parametrize(
    ("file", "text", "says"),
    [
        ("config", "[default\nregion = us-east-1\n", "config file"),
        ("credentials", "[default]\naws_access_key_id\n= x\n[[[", "config file"),
        ("config", b"[default]\nregion = \xff\xfe\n", "UnicodeDecodeError"),
    ],
)
async def test_a_malformed_config_or_credentials_file_names_the_file(
    isolated_aws_env: Path, file: str, text: str | bytes, says: str
) -> None:
    path = isolated_aws_env / file
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    session = Session(region_name="us-east-1")
    with pytest.raises(ConfigurationError, match=says) as caught:
        await session.credentials.get_credentials()
    assert str(path) in str(caught.value)


async def test_a_missing_profile_named_by_the_environment_is_named(
    isolated_aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nightly-ci")
    with pytest.raises(ConfigurationError, match="'nightly-ci' does not exist"):
        await Session().region()
