"""Service + region (+ FIPS / dual-stack) -> endpoint URL, as the services' endpoint rulesets say.

Each service's ruleset (botocore's `endpoint-rule-set-1.json`) reduces to a handful of host
templates, which tools/generate_services.py derives by running the ruleset through botocore's
own engine; `EndpointRules` holds them and `resolve_endpoint` picks one. A test compares the
result with botocore's ruleset engine for every region botocore knows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from .errors import ConfigurationError

__all__ = [
    "PARTITIONS",
    "EndpointRules",
    "Hosts",
    "Partition",
    "partition_of",
    "resolve_endpoint",
]

_REGION_NAME = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9\-]{0,61}[a-zA-Z0-9])?$")


@dataclass(frozen=True)
class Partition:
    """One AWS partition: its regions and DNS suffixes (as in botocore's partitions.json)."""

    name: str
    region_regex: str
    regions: frozenset[str]
    dns_suffix: str
    dualstack_dns_suffix: str
    supports_fips: bool = True
    supports_dualstack: bool = True

    def holds(self, region: str) -> bool:
        """Whether the region is listed in this partition or matches its naming pattern."""
        return region in self.regions or re.match(self.region_regex, region) is not None


PARTITIONS: tuple[Partition, ...] = (
    Partition(
        "aws",
        r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        frozenset(
            [
                "af-south-1",
                "ap-east-1",
                "ap-east-2",
                "ap-northeast-1",
                "ap-northeast-2",
                "ap-northeast-3",
                "ap-south-1",
                "ap-south-2",
                "ap-southeast-1",
                "ap-southeast-2",
                "ap-southeast-3",
                "ap-southeast-4",
                "ap-southeast-5",
                "ap-southeast-6",
                "ap-southeast-7",
                "aws-global",
                "ca-central-1",
                "ca-west-1",
                "eu-central-1",
                "eu-central-2",
                "eu-north-1",
                "eu-south-1",
                "eu-south-2",
                "eu-west-1",
                "eu-west-2",
                "eu-west-3",
                "il-central-1",
                "me-central-1",
                "me-south-1",
                "mx-central-1",
                "sa-east-1",
                "us-east-1",
                "us-east-2",
                "us-west-1",
                "us-west-2",
            ]
        ),
        "amazonaws.com",
        "api.aws",
    ),
    Partition(
        "aws-cn",
        r"^cn\-\w+\-\d+$",
        frozenset({"aws-cn-global", "cn-north-1", "cn-northwest-1"}),
        "amazonaws.com.cn",
        "api.amazonwebservices.com.cn",
    ),
    Partition(
        "aws-eusc",
        r"^eusc\-(de)\-\w+\-\d+$",
        frozenset({"eusc-de-east-1"}),
        "amazonaws.eu",
        "api.amazonwebservices.eu",
    ),
    Partition(
        "aws-iso",
        r"^us\-iso\-\w+\-\d+$",
        frozenset({"aws-iso-global", "us-iso-east-1", "us-iso-west-1"}),
        "c2s.ic.gov",
        "api.aws.ic.gov",
    ),
    Partition(
        "aws-iso-b",
        r"^us\-isob\-\w+\-\d+$",
        frozenset({"aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"}),
        "sc2s.sgov.gov",
        "api.aws.scloud",
    ),
    Partition(
        "aws-iso-e",
        r"^eu\-isoe\-\w+\-\d+$",
        frozenset({"aws-iso-e-global", "eu-isoe-west-1"}),
        "cloud.adc-e.uk",
        "api.cloud-aws.adc-e.uk",
    ),
    Partition(
        "aws-iso-f",
        r"^us\-isof\-\w+\-\d+$",
        frozenset({"aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"}),
        "csp.hci.ic.gov",
        "api.aws.hci.ic.gov",
    ),
    Partition(
        "aws-us-gov",
        r"^us\-gov\-\w+\-\d+$",
        frozenset({"aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"}),
        "amazonaws.com",
        "api.aws",
    ),
)


def partition_of(region: str) -> Partition:
    """The partition a region belongs to: listed first, then by pattern, else the `aws` one."""
    for partition in PARTITIONS:
        if region in partition.regions:
            return partition
    for partition in PARTITIONS:
        if partition.holds(region):
            return partition
    return PARTITIONS[0]


class Hosts(NamedTuple):
    """One service's host templates for each variant; None where the variant does not exist.

    Templates name ``{region}``, and may name the partition's ``{dns_suffix}`` and
    ``{dualstack_dns_suffix}``.
    """

    default: str | None
    fips: str | None
    dualstack: str | None
    fips_dualstack: str | None


@dataclass(frozen=True)
class EndpointRules:
    """One service's endpoints, as its ruleset (endpoint-rule-set-1.json) resolves them.

    ``hosts`` hold for every partition but those in ``partition_hosts``, and every region but
    those in ``region_hosts``. A service whose ruleset has no FIPS or no dual-stack setting
    (``fips_setting``, ``dualstack_setting``) ignores that option.
    """

    hosts: Hosts
    partition_hosts: Mapping[str, Hosts] = field(default_factory=dict)
    region_hosts: Mapping[str, Hosts] = field(default_factory=dict)
    fips_setting: bool = True
    dualstack_setting: bool = True

    def check_custom_endpoint(self, *, use_fips: bool, use_dualstack: bool) -> None:
        """Refuse FIPS or dual-stack with an explicit endpoint URL, as the rulesets do."""
        if use_fips and self.fips_setting:
            raise ConfigurationError("use_fips_endpoint cannot be combined with endpoint_url")
        if use_dualstack and self.dualstack_setting:
            raise ConfigurationError("use_dualstack_endpoint cannot be combined with endpoint_url")


def resolve_endpoint(
    rules: EndpointRules, region: str, *, use_fips: bool = False, use_dualstack: bool = False
) -> str:
    """The https URL for the service in the region, with the FIPS / dual-stack variant asked for."""
    if not _REGION_NAME.match(region):
        raise ConfigurationError(f"{region!r} is not a valid AWS region name")
    partition = partition_of(region)
    hosts = (
        rules.region_hosts.get(region) or rules.partition_hosts.get(partition.name) or rules.hosts
    )
    fips = use_fips and rules.fips_setting
    dualstack = use_dualstack and rules.dualstack_setting
    template = hosts[fips + 2 * dualstack]
    if template is None:
        asked = " and ".join(n for n, on in (("FIPS", fips), ("dual-stack", dualstack)) if on)
        raise ConfigurationError(
            f"{asked} endpoints are not available in {region} (partition {partition.name})"
        )
    host = template.format(
        region=region,
        dns_suffix=partition.dns_suffix,
        dualstack_dns_suffix=partition.dualstack_dns_suffix,
    )
    return f"https://{host}"
