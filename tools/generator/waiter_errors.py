"""Every waiter's error matchers held to the error codes its service's model has.

A published waiter (waiters-2.json) can wait for a code its service never answers: SageMaker's
ImageDeleted and ImageVersionDeleted wait for ``ResourceNotFoundException`` while SageMaker
answers ``ResourceNotFound``, so the waiter would poll until it gives up. An ``error`` matcher
whose code is not among the model's error shapes (all of them, not only those of the registry's
operations) is written only as the service's ``waiter_error_corrections`` in the registry say,
wherever it occurs; without a correction the generator refuses it, naming service, waiter and
code, and a correction no waiter needs is refused as stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from registry import Service

from . import GenerationError

__all__ = [
    "CheckedAcceptor",
    "check_corrections_used",
    "check_error_matchers",
    "check_path_matchers",
    "modeled_codes",
]


@dataclass(frozen=True)
class CheckedAcceptor:
    """An acceptor as the waiter is generated with it, and why it differs from the published
    one (None when it does not)."""

    acceptor: dict[str, Any]
    #: The published code a correction replaced (or kept), else None.
    corrected: str | None = None
    #: Why, for a comment beside the acceptor.
    note: str | None = None


def modeled_codes(shapes: Mapping[str, Any]) -> frozenset[str]:
    """The error codes a model has: each error shape's name (an ``error`` trait naming
    another code is refused by `traits.check_model`: the client reads errors by shape name)."""
    return frozenset(name for name, shape in shapes.items() if shape.get("exception"))


def check_error_matchers(
    service: Service, waiter: str, acceptors: Iterable[dict[str, Any]], codes: frozenset[str]
) -> list[CheckedAcceptor]:
    """The waiter's acceptors, each ``error`` matcher's code either one of ``codes`` or
    replaced (or kept) as the service's correction says; a `GenerationError` for a code
    neither modeled nor corrected."""
    checked = []
    for acceptor in acceptors:
        expected = acceptor["expected"]
        if acceptor["matcher"] != "error" or expected in codes:
            checked.append(CheckedAcceptor(acceptor))
            continue
        correction = service.waiter_error_corrections.get(expected)
        if correction is None:
            known = ", ".join(sorted(codes)) or "none"
            raise GenerationError(
                f"{service.name}: waiter {waiter} waits for the error {expected}, which "
                f"{service.name}'s model does not have (its errors: {known}), so the waiter "
                "could never match it. Say in tools/registry.py which code the service answers "
                f"instead, and why: waiter_error_corrections={{{expected!r}: "
                "('<the code it answers>', '<why>')}"
            )
        answered, why = correction
        if not why.strip():
            raise GenerationError(
                f"{service.name}: waiter_error_corrections[{expected!r}] gives no reason; "
                f"say why {service.name} answers {answered} where its waiters expect {expected}"
            )
        note = (
            f"{expected}, not in the model: {why}"
            if answered == expected
            else f"The published waiter expects {expected}: {why}"
        )
        checked.append(CheckedAcceptor({**acceptor, "expected": answered}, expected, note))
    return checked


def check_corrections_used(service: Service, used: Iterable[str | None]) -> None:
    """A `GenerationError` for a correction of ``service`` no generated waiter needed (an
    operation or waiter gone, or a code the model now has): stale registry text."""
    stale = sorted(set(service.waiter_error_corrections) - set(used))
    if stale:
        raise GenerationError(
            f"{service.name}: waiter_error_corrections for {', '.join(stale)}, which no waiter "
            "the generator writes expects without the model having it; remove them from "
            "tools/registry.py"
        )


def check_path_matchers(
    service: str,
    waiter: str,
    config: Mapping[str, Any],
    operations: Iterable[str],
    shapes: Mapping[str, Any],
    output: str | None,
) -> None:
    """Refuse (`GenerationError`, naming service and waiter) a waiter that could never end:
    on an operation the service does not bind, with a matcher the generated waiter cannot
    run, a ``path`` naming no member of the operation's output, or an expected value the
    member can never have (not among its enum's values)."""
    where = f"{service}: waiter {waiter}"
    if config.get("operation") not in set(operations):
        raise GenerationError(f"{where} polls {config.get('operation')!r}, which is not bound")
    for acceptor in config["acceptors"]:
        matcher = acceptor.get("matcher")
        if matcher == "error":
            continue
        if matcher != "path":
            raise GenerationError(f"{where}: the {matcher!r} matcher is not supported")
        shape = _member_shape(shapes, output, acceptor["argument"])
        if shape is None:
            raise GenerationError(
                f"{where}: the path {acceptor['argument']!r} names no member of the output"
            )
        values = shapes[shape].get("enum")
        if values is not None and acceptor["expected"] not in values:
            raise GenerationError(
                f"{where}: {acceptor['argument']} can never be {acceptor['expected']!r} "
                f"(it is one of {', '.join(values)})"
            )


def _member_shape(shapes: Mapping[str, Any], structure: str | None, path: str) -> str | None:
    """The shape the dotted ``path`` of members reaches from ``structure``, or None."""
    current = structure
    for step in path.split("."):
        members = shapes.get(current or "", {}).get("members", {})
        if step not in members:
            return None
        current = members[step]["shape"]
    return current
