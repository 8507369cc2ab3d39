"""Endpoints equal botocore's endpoint-ruleset resolution, region by region, variant by variant."""

from __future__ import annotations

import botocore.loaders
import botocore.session
import pytest
from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError
from registry import SERVICES
from support import service_document

from aws_mlops_async import Config, ConfigurationError, Session
from aws_mlops_async._session_clients import client_class
from aws_mlops_async.endpoints import PARTITIONS, partition_of, resolve_endpoint
from aws_mlops_async.services.batch.client import BatchClient
from aws_mlops_async.services.datazone.client import DataZoneClient
from aws_mlops_async.services.lookoutvision.client import LookoutVisionClient
from aws_mlops_async.services.sagemaker.client import SageMakerClient

BOTOCORE_PARTITIONS = botocore.loaders.create_loader().load_data("partitions")


def known_regions() -> list[str]:
    """Every region botocore knows (partitions and per-service endpoint data) plus some it may
    learn later, which the partitions' patterns must place."""
    session = botocore.session.get_session()
    regions = {region for p in BOTOCORE_PARTITIONS["partitions"] for region in p["regions"]}
    for partition in session.get_available_partitions():
        for service in SERVICES:
            regions.update(session.get_available_regions(service.name, partition_name=partition))
    regions.update(
        [
            "us-east-9",
            "ap-north-4",
            "cn-south-7",
            "us-gov-north-2",
            "us-isob-south-3",
            "eu-isoe-north-2",
            "us-isof-west-5",
            "eusc-de-west-2",
            "xx-unknown-1",
            "local",
        ]
    )
    return sorted(regions)


REGIONS = known_regions()
VARIANTS = [(False, False), (True, False), (False, True), (True, True)]


def test_region_list_is_the_real_one() -> None:
    assert {"us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1"} <= set(REGIONS)
    assert len(REGIONS) > 45


@pytest.mark.parametrize("service", [service.name for service in SERVICES])
def test_every_region_and_variant_matches_botocore(service: str) -> None:
    provider = EndpointProvider(
        service_document(service, "endpoint-rule-set-1"), BOTOCORE_PARTITIONS
    )
    rules = client_class(service).endpoint_rules
    compared = 0
    for region in REGIONS:
        for fips, dualstack in VARIANTS:
            try:
                expected: str | None = provider.resolve_endpoint(
                    Region=region, UseFIPS=fips, UseDualStack=dualstack
                ).url
            except EndpointResolutionError:
                expected = None
            try:
                actual: str | None = resolve_endpoint(
                    rules, region, use_fips=fips, use_dualstack=dualstack
                )
            except ConfigurationError:
                actual = None
            assert actual == expected, (service, region, fips, dualstack)
            compared += 1
    assert compared == len(REGIONS) * 4


def test_partition_table_matches_botocore_partitions_json() -> None:
    ours = {p.name: p for p in PARTITIONS}
    for partition in BOTOCORE_PARTITIONS["partitions"]:
        mine = ours.pop(partition["id"])
        outputs = partition["outputs"]
        assert mine.region_regex == partition["regionRegex"]
        assert mine.regions == frozenset(partition["regions"])
        assert mine.dns_suffix == outputs["dnsSuffix"]
        assert mine.dualstack_dns_suffix == outputs["dualStackDnsSuffix"]
        assert mine.supports_fips == outputs["supportsFIPS"]
        assert mine.supports_dualstack == outputs["supportsDualStack"]
    assert not ours, f"partitions botocore does not know: {sorted(ours)}"


def test_the_endpoints_named_in_the_issue() -> None:
    assert resolve_endpoint(SageMakerClient.endpoint_rules, "eu-west-1") == (
        "https://api.sagemaker.eu-west-1.amazonaws.com"
    )
    assert resolve_endpoint(BatchClient.endpoint_rules, "us-west-2") == (
        "https://batch.us-west-2.amazonaws.com"
    )
    assert resolve_endpoint(DataZoneClient.endpoint_rules, "us-east-1") == (
        "https://datazone.us-east-1.api.aws"
    )
    assert resolve_endpoint(LookoutVisionClient.endpoint_rules, "ap-northeast-1") == (
        "https://lookoutvision.ap-northeast-1.amazonaws.com"
    )
    assert partition_of("aws-cn-global").name == "aws-cn"


@pytest.mark.parametrize("bad", ["", "us-east-1/../x", "a.b", "-us-east-1", "x" * 70])
def test_invalid_region_names_are_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError, match="region"):
        resolve_endpoint(BatchClient.endpoint_rules, bad)


async def test_session_clients_resolve_their_endpoint_and_overrides() -> None:
    async with Session(
        region_name="eu-central-1", aws_access_key_id="a", aws_secret_access_key="b"
    ) as session:
        assert await session.batch.endpoint() == "https://batch.eu-central-1.amazonaws.com"
        other = session.client("sagemaker", region_name="us-gov-west-1")
        assert await other.endpoint() == "https://api.sagemaker.us-gov-west-1.amazonaws.com"
        local = session.client("datazone", endpoint_url="http://127.0.0.1:4567/base/")
        assert await local.endpoint() == "http://127.0.0.1:4567/base"
        assert await local.region() == "eu-central-1"
    fips = Session(
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=Config(use_fips_endpoint=True, use_dualstack_endpoint=True),
    )
    assert await fips.batch.endpoint() == "https://batch-fips.us-east-1.api.aws"
    await fips.close()


def test_fips_or_dualstack_with_a_custom_endpoint_is_refused_like_botocore() -> None:
    session = Session(
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:1",
        config=Config(use_fips_endpoint=True),
    )
    with pytest.raises(ConfigurationError, match="fips"):
        _ = session.batch
    dualstack = Session(
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:1",
        config=Config(use_dualstack_endpoint=True),
    )
    with pytest.raises(ConfigurationError, match="dualstack"):
        _ = dualstack.sagemaker
    # DataZone's ruleset has no dual-stack switch, so there is nothing to conflict with.
    assert dualstack.datazone is dualstack.datazone
