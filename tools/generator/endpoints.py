"""A service's endpoint rules, derived by running its ruleset (endpoint-rule-set-1.json)
through botocore's own engine for every region botocore knows, in each variant."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from botocore.endpoint_provider import EndpointProvider
from botocore.exceptions import EndpointResolutionError

from .code import Module
from .source import ServiceData

__all__ = ["endpoint_rules"]

VARIANTS = ((False, False), (True, False), (False, True), (True, True))
Hosts = tuple[str | None, str | None, str | None, str | None]


def endpoint_rules(module: Module, data: ServiceData) -> str:
    """The `EndpointRules(...)` expression for the service: the hosts most partitions share,
    then the partitions and regions that differ."""
    provider = EndpointProvider(data.ruleset, data.partitions)
    settings = data.ruleset["parameters"]
    fips_setting, dualstack_setting = "UseFIPS" in settings, "UseDualStack" in settings
    by_partition: dict[str, Hosts] = {}
    by_region: dict[str, Hosts] = {}
    for partition in data.partitions["partitions"]:
        outputs = partition["outputs"]
        regions = sorted(partition["regions"])
        hosts = {region: _hosts(provider, region, outputs) for region in regions}
        # A partition's hosts are those of a region its rules name nowhere (one launched after
        # the rules were written), not the most common of the known ones: in some partitions
        # every known region is an exception (Logs' FIPS hosts in aws-us-gov).
        unnamed = _unnamed_region(partition)
        usual = (
            _hosts(provider, unnamed, outputs)
            if unnamed is not None
            else Counter(hosts.values()).most_common(1)[0][0]
        )
        by_partition[partition["id"]] = usual
        by_region.update({region: host for region, host in hosts.items() if host != usual})
    common = Counter(by_partition.values()).most_common(1)[0][0]
    rules = module.use("aws_mlops_async.endpoints", "EndpointRules")
    hosts_class = module.use("aws_mlops_async.endpoints", "Hosts")
    lines = [f"{rules}(", f"    hosts={_render(hosts_class, common)},"]
    partitions = {name: hosts for name, hosts in by_partition.items() if hosts != common}
    if partitions:
        lines.append("    partition_hosts={")
        lines += [
            f'        "{n}": {_render(hosts_class, h)},' for n, h in sorted(partitions.items())
        ]
        lines.append("    },")
    if by_region:
        lines.append("    region_hosts={")
        lines += [
            f'        "{n}": {_render(hosts_class, h)},' for n, h in sorted(by_region.items())
        ]
        lines.append("    },")
    if not fips_setting:
        lines.append("    fips_setting=False,")
    if not dualstack_setting:
        lines.append("    dualstack_setting=False,")
    lines.append(")")
    return "\n".join(lines)


def _unnamed_region(partition: dict[str, Any]) -> str | None:
    """A region name of ``partition`` that its list of regions lacks (a known one numbered 99),
    if its region pattern takes it."""
    for known in sorted(partition["regions"]):
        candidate = re.sub(r"\d+$", "99", known)
        if candidate not in partition["regions"] and re.match(partition["regionRegex"], candidate):
            return candidate
    return None


def _hosts(provider: EndpointProvider, region: str, outputs: dict[str, Any]) -> Hosts:
    """The host templates of one region, the region and the partition's suffixes replaced by
    placeholders."""
    found: list[str | None] = []
    for fips, dualstack in VARIANTS:
        try:
            url = provider.resolve_endpoint(Region=region, UseFIPS=fips, UseDualStack=dualstack).url
        except EndpointResolutionError:
            found.append(None)
            continue
        host = url.removeprefix("https://")
        if "/" in host or url == host:
            raise ValueError(f"an endpoint other than https://host: {url}")
        host = host.replace(region, "{region}")
        host = host.replace(outputs["dualStackDnsSuffix"], "{dualstack_dns_suffix}")
        host = host.replace(outputs["dnsSuffix"], "{dns_suffix}")
        found.append(host)
    return (found[0], found[1], found[2], found[3])


def _render(hosts_class: str, hosts: Hosts) -> str:
    return f"{hosts_class}({', '.join(repr(h) for h in hosts)})"
