"""Endpoints configured outside the code, as botocore reads them: AWS_ENDPOINT_URL_<SERVICE>,
AWS_ENDPOINT_URL, the profile's services section and endpoint_url, in botocore's order below an
explicit endpoint_url, and switched off by AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's
ignore_configured_endpoint_urls. botocore itself, given the same environment and config file,
is the oracle (no request is sent, no host name resolved)."""

from __future__ import annotations

import functools
from pathlib import Path

import botocore.loaders
import botocore.session
import pytest
from registry import SERVICES
from support import botocore_data

from aws_mlops_async import ConfigurationError, Session

SCENARIOS: dict[str, tuple[dict[str, str], str]] = {
    "nothing configured": ({}, ""),
    "AWS_ENDPOINT_URL": ({"AWS_ENDPOINT_URL": "http://global.test:1"}, ""),
    "a service's own variable first": (
        {"AWS_ENDPOINT_URL": "http://global.test:1", "AWS_ENDPOINT_URL_BATCH": "http://b.test:2"},
        "",
    ),
    "the profile's endpoint_url": ({}, "[default]\nendpoint_url = http://profile.test:3\n"),
    "the profile's services section": (
        {},
        "[default]\nservices = local\nendpoint_url = http://profile.test:3\n"
        "[services local]\nbatch =\n  endpoint_url = http://services-batch.test:4\n"
        "sagemaker =\n  endpoint_url = http://services-sm.test:5\n",
    ),
    "variables before the profile": (
        {"AWS_ENDPOINT_URL": "http://global.test:1"},
        "[default]\nservices = local\n[services local]\nbatch =\n"
        "  endpoint_url = http://services-batch.test:4\n",
    ),
    "ignored by the variable": (
        {"AWS_ENDPOINT_URL": "http://global.test:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"},
        "[default]\nendpoint_url = http://profile.test:3\n",
    ),
    "ignored by the profile": (
        {"AWS_ENDPOINT_URL_BATCH": "http://b.test:2"},
        "[default]\nignore_configured_endpoint_urls = true\nendpoint_url = http://profile.test:3\n",
    ),
    "the variable overrides the profile's ignore": (
        {
            "AWS_ENDPOINT_URL": "http://global.test:1",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false",
        },
        "[default]\nignore_configured_endpoint_urls = true\n",
    ),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A botocore data directory with the models botocore dropped (Lookout for Vision's)."""
    return botocore_data(tmp_path_factory.mktemp("botocore-data"))


@functools.cache
def _loader(data: Path | None) -> botocore.loaders.Loader:
    """One botocore data loader for every session here: each service's model is read once
    (the configuration, which these tests vary, is read by each session)."""
    loader = botocore.loaders.create_loader()
    if data is not None:
        loader.search_paths.insert(0, str(data))
    return loader


def botocore_endpoint(
    service: str, profile: str | None, explicit: str | None, data: Path | None = None
) -> str:
    session = botocore.session.Session(profile=profile)
    session.register_component("data_loader", _loader(data))
    client = session.create_client(
        service,
        region_name="us-east-1",
        endpoint_url=explicit,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
    )
    return str(client.meta.endpoint_url)


async def our_endpoint(service: str, profile: str | None, explicit: str | None) -> str:
    session = Session(
        region_name="us-east-1",
        profile_name=profile,
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
        endpoint_url=explicit,
    )
    return await session.client(service).endpoint()  # type: ignore[call-overload, no-any-return]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("explicit", [None, "http://explicit.test:9"], ids=["", "explicit"])
async def test_the_endpoint_is_the_one_botocore_configures(
    isolated_aws_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    data: Path,
    scenario: str,
    explicit: str | None,
) -> None:
    variables, config = SCENARIOS[scenario]
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    (isolated_aws_env / "config").write_text(config, encoding="utf-8")
    for service in SERVICES:
        expected = botocore_endpoint(service.name, None, explicit, data)
        assert await our_endpoint(service.name, None, explicit) == expected, service.name


async def test_a_named_profile_brings_its_own(
    isolated_aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (isolated_aws_env / "config").write_text(
        "[default]\nendpoint_url = http://default.test:1\n"
        "[profile lab]\nendpoint_url = http://lab.test:2\n",
        encoding="utf-8",
    )
    assert await our_endpoint("batch", "lab", None) == botocore_endpoint("batch", "lab", None)
    monkeypatch.setenv("AWS_PROFILE", "lab")
    assert await our_endpoint("batch", None, None) == "http://lab.test:2"


async def test_lookout_for_vision_reads_its_own_variable(
    isolated_aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_LOOKOUTVISION", "http://lv.test:7")
    assert await our_endpoint("lookoutvision", None, None) == "http://lv.test:7"
    assert await our_endpoint("batch", None, None) == "https://batch.us-east-1.amazonaws.com"


async def test_a_missing_services_section_is_a_configuration_error(
    isolated_aws_env: Path,
) -> None:
    (isolated_aws_env / "config").write_text("[default]\nservices = nowhere\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="nowhere"):
        await our_endpoint("batch", None, None)


async def test_no_config_file_and_no_variable_never_loads_botocore(
    isolated_aws_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(isolated_aws_env / "absent"))
    session = Session(region_name="us-east-1", aws_access_key_id="A", aws_secret_access_key="B")
    assert await session.batch.endpoint() == "https://batch.us-east-1.amazonaws.com"
    assert session._profile._session is None
