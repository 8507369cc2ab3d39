"""Every public parameter, fed hostile values: each call returns, or is refused with the
documented errors, quickly, leaving nothing behind.

The surface is found by introspection (`hostile_surface.surface`): every public function,
constructor and method reachable from the public modules, the clients a Session hands out and
their paginators and waiters; each parameter is read from its signature and annotation, and
fed the hostile kinds its annotation calls for (NaN, infinities, 0, negatives, huge numbers,
bools for numbers and numbers for bools, other types, empty, blank, huge and unprintable
text, None where it is not optional, one str or dict where an iterable is expected, values
whose ``__eq__`` and ``__hash__`` raise), the other parameters valid. The README's "Errors"
and ``aws_mlops_async/arguments.py`` say how such a call may end:

- it returns (and what it returned can be used: a Session or client makes a call, a run or a
  watch runs to its end, a config is used by a Session); or
- it raises `ConfigurationError` naming the parameter, or `ValidationError` naming it (or,
  when a value kept was used later, the field it went to); within `REFUSAL_BOUND` seconds.

A parameter annotated ``float`` is a duration, delay, interval, rate or epoch time, and
arguments.py holds those finite and positive (a bool is no number): it may not take NaN,
±inf, 0, a negative or a bool, even quietly.

Anything else is a break: another exception (a raw ``ValueError``, ``TypeError``,
``AttributeError``, ``OverflowError``, a hostile value's own exception), no end within
`CALL_BOUND` seconds, a client sending elsewhere than the endpoint given, or a task, socket or
timer left behind. Nothing leaves 127.0.0.1, and warnings are errors (an unclosed aiohttp
session fails the test).

Breaks found in the library are listed in tests/hostile/FINDINGS.md and run by
`test_a_known_break_still_breaks`, marked ``xfail(strict=True)``: it fails once a break is
fixed, so that its mark is taken off.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_harness import (
    Harness,
    LoopbackServer,
    attack,
    baseline_missing,
    isolated_environment,
    knows,
    shown,
    warm_up,
)
from hostile_surface import (
    EXCLUDED,
    KINDS,
    Entry,
    Site,
    examples,
    is_excluded,
    kinds_of,
    parameters,
    sites,
    strategy,
    surface,
    unused,
)
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_profiles import EACH_SITE

pytestmark = pytest.mark.timeout(60)

#: Values of another type than a str parameter takes (as the kinds are named in KINDS).
WRONG_TYPES = ("bool", "number", "bytes", "mapping", "object")
#: Numbers that are no count, duration or rate.
NUMBERS = ("nan", "infinity", "zero", "negative", "huge")

#: The breaks found, by their number in tests/hostile/FINDINGS.md: each a parameter
#: (``entry``, ``parameter``) and the hostile kinds it breaks on. A site's property leaves
#: these kinds out; `test_a_known_break_still_breaks` attacks each on its own, expected to fail.
#: None is left: every finding of FINDINGS.md is fixed, its cases back in the properties.
BREAKS: dict[int, list[tuple[str, str, tuple[str, ...]]]] = {}
FINDINGS: dict[tuple[str, str, str], int] = {
    (entry, name, kind): number
    for number, breaks in BREAKS.items()
    for entry, name, kinds in breaks
    for kind in kinds
}

SITES = sites()


def attacked(entry: Entry) -> bool:
    """Whether the suite calls ``entry``: left out neither by name nor as a generated operation
    method all of whose parameters are request members (the request-validation suite's)."""
    if is_excluded(entry) is not None:
        return False
    params = parameters(entry)
    return not (entry.operation is not None and params and all(p.excluded for p in params))


CALLED = [entry for entry in surface() if attacked(entry)]


@pytest.fixture(scope="module")
def loopback(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A loopback server's URL, with no AWS setting from this machine while the module runs."""
    warm_up()
    with isolated_environment(Path(tmp_path_factory.mktemp("no-aws"))):
        server = LoopbackServer()
        yield server.url
        server.close()


def test_every_public_callable_is_attacked_or_left_out_for_a_reason() -> None:
    """A public callable that appears tomorrow is attacked with its parameters' hostile values,
    or this fails: until the suite knows a valid value for each of its parameters and how to
    make what it is a method of (or it is left out in `EXCLUDED`, saying why)."""
    unknown = []
    for entry in surface():
        if is_excluded(entry) is not None or not attacked(entry):
            continue
        if entry.owner is not None and not knows(entry.owner):
            unknown.append(f"{entry}: no way to make a {entry.owner.__name__} (MAKERS)")
        missing = baseline_missing(entry)
        if missing:
            unknown.append(f"{entry}: no valid value for {', '.join(missing)} (BASELINES)")
        for param in parameters(entry):
            if param.excluded is None and not kinds_of(param.shape):
                unknown.append(f"{param}: no hostile kind for {param.annotation!r} (KINDS)")
    assert not unknown, "\n".join(unknown)
    assert not unused(), f"EXCLUDED or NAMED_AS name what is no longer public: {unused()}"
    assert all(reason for reason in EXCLUDED.values())
    assert {kind for _, _, kind in FINDINGS} <= set(KINDS)
    sites_by_case = {(str(site.param.entry), site.param.name): site for site in SITES}
    for entry_key, name, kind in FINDINGS:
        site = sites_by_case.get((entry_key, name))
        assert site is not None and kind in site.kinds, (entry_key, name, kind)


@pytest.mark.parametrize("entry", CALLED, ids=str)
async def test_a_valid_call_returns_and_leaves_nothing_behind(loopback: str, entry: Entry) -> None:
    """The baseline each attack starts from: with valid values only, the call returns, what it
    returned can be used, and nothing is left behind. (Else an attack proves nothing.)"""
    outcome = await attack(Harness(loopback), entry, {})
    assert outcome.problem(None) is None, outcome.problem(None)


def _kinds(site: Site) -> list[str]:
    """The kinds a site's property attacks with: all but its known breaks."""
    return [
        kind
        for kind in site.kinds
        if (str(site.param.entry), site.param.name, kind) not in FINDINGS
    ]


@pytest.mark.parametrize("site", SITES, ids=str)
@EACH_SITE
@given(data=st.data())
async def test_a_hostile_argument_is_taken_or_refused_naming_it(
    loopback: str, site: Site, data: st.DataObject
) -> None:
    """Each hostile kind the parameter's annotation calls for, one value of each per example:
    the call returns, or is refused by a ConfigurationError or ValidationError naming the
    parameter, quickly, leaving nothing behind."""
    param = site.param
    for kind in _kinds(site):
        value = data.draw(strategy(param.shape, kind), label=kind)
        outcome = await attack(Harness(loopback), param.entry, {param.name: value})
        problem = outcome.problem(param, kind)
        assert problem is None, f"{param}={shown(repr(value), 80)} ({kind}): {problem}"


def _findings() -> list[Any]:
    by_case = {(str(site.param.entry), site.param.name): site for site in SITES}
    return [
        pytest.param(
            by_case[(entry_key, name)],
            kind,
            id=f"{entry_key}[{name}]-{kind}",
            marks=pytest.mark.xfail(strict=True, reason=f"finding {number}"),
        )
        for (entry_key, name, kind), number in FINDINGS.items()
        if (entry_key, name) in by_case
    ]


@pytest.mark.parametrize(("site", "kind"), _findings())
async def test_a_known_break_still_breaks(loopback: str, site: Site, kind: str) -> None:
    """A break of tests/hostile/FINDINGS.md, attacked with the fixed examples of its kind
    (those that broke it): it fails (xfails) until the library is fixed, then passes and fails
    the suite (strict), so that its entry in BREAKS is taken out."""
    param = site.param
    for value in examples(param.shape, kind):
        outcome = await attack(Harness(loopback), param.entry, {param.name: value})
        problem = outcome.problem(param, kind)
        assert problem is None, f"{param}={shown(repr(value), 80)} ({kind}): {problem}"
