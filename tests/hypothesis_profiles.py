"""How many examples the properties run: Hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE``.

A property's decorator never says how many examples it runs; the profile does. Properties
come in three breadths, and a profile gives each its share of examples:

- `ONE_PROPERTY`: a property that runs once (the SigV4 signer on any request);
- `EACH_OPERATION`: one run per bound operation (about 70): botocore's serializer and parser
  against ours on that operation's shapes;
- `EACH_SITE`: one run per constraint or member of every operation (hundreds): a broken
  constraint refused, a pattern admitting exactly what the model's admits.

``ci`` (the default, what ``make test`` runs) keeps every strategy and property and fits the
suite's time budget; ``thorough`` (``make test-thorough``, before a release) runs ten times
the examples; ``quick`` is for a hurried local loop.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from hypothesis import HealthCheck, settings

__all__ = ["EACH_OPERATION", "EACH_SITE", "ONE_PROPERTY", "PROFILE", "describe"]


@dataclass(frozen=True)
class Budget:
    """Examples per run of a property of each breadth."""

    one_property: int
    each_operation: int
    each_site: int


PROFILES = {
    "quick": Budget(one_property=10, each_operation=3, each_site=1),
    "ci": Budget(one_property=50, each_operation=10, each_site=2),
    "thorough": Budget(one_property=500, each_operation=100, each_site=20),
}

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in PROFILES:
    raise RuntimeError(
        f"HYPOTHESIS_PROFILE={PROFILE!r} is not one of the profiles: {', '.join(PROFILES)}"
    )
_BUDGET = PROFILES[PROFILE]

for _name, _budget in PROFILES.items():
    settings.register_profile(
        _name,
        max_examples=_budget.one_property,
        # Shared 2-core machines: a slow example is noise, not a failure.
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        # Parallel workers and fresh clones: nothing remembered between runs.
        database=None,
        print_blob=True,
    )
settings.load_profile(PROFILE)

ONE_PROPERTY = settings(max_examples=_BUDGET.one_property)
EACH_OPERATION = settings(max_examples=_BUDGET.each_operation)
EACH_SITE = settings(max_examples=_BUDGET.each_site)


def describe() -> str:
    """The profile and its budgets, for the pytest header."""
    return (
        f"hypothesis profile {PROFILE!r} (HYPOTHESIS_PROFILE): "
        f"{_BUDGET.one_property} examples per property, {_BUDGET.each_operation} per "
        f"operation, {_BUDGET.each_site} per constraint site"
    )
