"""The generator holds a waiter's *error* matchers to the model ("Adding an operation can no
longer bring a waiter that silently never ends", CHANGELOG) but not its *path* matchers: a
registry waiter whose path names no member of the output ("stauts"), or whose expected value
is not one of the member's enum values ("SUCCEDED"), is generated without a word, and that
waiter never ends: it polls max_attempts times (120 x 30 s for ServiceJobFinished) and raises
WaiterError "still not done" although the job SUCCEEDED on the first poll.

Also: a waiter on an operation the service does not bind crashes the generator with a bare
`KeyError: 'DescribeServiceJobz'`, and an unsupported matcher ('pathAny') with a bare
ValueError, not the GenerationError that names the service, waiter and registry entry
(docs/architecture.md).
"""

from __future__ import annotations

import copy
import dataclasses
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import generate_services  # noqa: E402
import registry  # noqa: E402
from generator import GenerationError  # noqa: E402

BATCH = next(service for service in registry.SERVICES if service.name == "batch")


def with_waiter(**changes: Any) -> Any:
    waiters = copy.deepcopy(BATCH.waiters)
    waiter = waiters["ServiceJobFinished"]
    waiter["operation"] = changes.pop("operation", waiter["operation"])
    waiter["acceptors"][0].update(changes)
    return dataclasses.replace(BATCH, waiters=waiters)


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "changes",
    [
        {"argument": "stauts"},
        {"expected": "SUCCEDED"},
        {"operation": "DescribeServiceJobz"},
        {"matcher": "pathAny"},
    ],
    ids=["path names no member", "not an enum value", "unknown operation", "unknown matcher"],
)
def test_the_generator_refuses_a_waiter_that_cannot_end(
    changes: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = with_waiter(**changes)
    services = tuple(batch if s.name == "batch" else s for s in registry.SERVICES)
    monkeypatch.setattr(generate_services, "SERVICES", services)
    with pytest.raises(GenerationError):
        generate_services.generate()
