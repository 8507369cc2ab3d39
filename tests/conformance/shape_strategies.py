"""Hypothesis strategies derived from botocore shapes, one generic builder for every operation.

Valid values respect each shape's ``min``/``max``/``pattern``/``enum`` (plus the seeds' bounds in
`SEED_BOUNDS`); response values may also carry what AWS adds later (unknown members, enum
values and out-of-bounds strings); `violation_sites` lists every constraint of a request and
`violating` builds a request that breaks exactly one of them.

Patterns are read as the service models mean them (Smithy: ECMA-262, matched whole): ``\\d`` and
``\\w`` are ASCII, ``.`` stops at line terminators, ``\\p{L}`` and friends are Unicode classes.
"""

from __future__ import annotations

import copy
import itertools
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from botocore import xform_name
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore_oracle import SEED_BOUNDS, Operation
from generator.naming import POSIX_CLASSES
from hypothesis import strategies as st

TYPE_RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}

# What ECMA-262 (and Java, which AWS validates with) take as line terminators: `.` stops there.
LINE_TERMINATORS = "\n\r\x85\u2028\u2029"

# Characters tried, one at a time, to push a valid string outside its pattern. Only characters
# every regex dialect agrees on for these patterns: U+0085, which Java calls a line terminator
# and ECMA-262 does not, is left out.
PROBES = (
    "\n",
    "\r",
    "\u2028",
    " ",
    "#",
    "%",
    "/",
    "?",
    "*",
    "é",
    "\u0663",  # ARABIC-INDIC DIGIT THREE: a digit to Unicode, not to \d
    "\U0001f600",
    "\x00",
    ".",
    "-",
    "_",
    "A",
    "z",
    "0",
    ":",
    "@",
)

# Characters that pass for digits, letters or "_" to Unicode but not to the models' ASCII
# \d, \w and [a-z]: tried in place of the one they resemble.
LOOKALIKES = {
    "digit": ("\u0663", "\uff13", "\u00b2"),
    "letter": ("é", "ж", "\u017f", "\u212a"),
    "_": ("\u203f",),
}

# Values of the wrong Python type for each scalar type, with whether botocore's parameter
# validation refuses them too (the oracle), or why this library is stricter than botocore.
WRONG_TYPES: dict[str, tuple[tuple[Any, str | None], ...]] = {
    "string": ((b"abc", None), (5, None), (True, None)),
    "integer": (
        ("5", None),
        (" 5 ", None),
        (5.0, None),
        (5.5, None),
        (True, "botocore takes a bool for an int (bool is an int subclass)"),
    ),
    "boolean": (("false", None), ("yes", None), (1, None), (0, None)),
    "double": (("5", None), ("1.5", None), (True, "botocore takes a bool for a number")),
    "timestamp": (
        ("2026-01-01T00:00:00Z", "botocore parses text as a timestamp"),
        (True, "botocore reads a bool as epoch seconds (bool is an int subclass)"),
    ),
}
WRONG_TYPES["long"] = WRONG_TYPES["integer"]
WRONG_TYPES["float"] = WRONG_TYPES["double"]

# Mapping keys and list indexes in a path to a constraint.
MAP_KEY = "<key>"
MAP_VALUE = "<value>"
ELEMENT = 0

UTC = timezone.utc
ZONES = (None, UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8)))
REQUEST_TIMES = {"min_value": datetime(1900, 1, 1), "max_value": datetime(2300, 1, 1)}
# Epoch seconds a response may carry: 1900 to the end of year 9999.
RESPONSE_SECONDS = (-2208988800, 253402300799)


@cache
def python_name(wire_name: str) -> str:
    """Our field name for a wire member name (botocore's snake case; keywords get a ``_``)."""
    name = xform_name(wire_name)
    return name + "_" if keyword.iskeyword(name) else name


# ---- patterns --------------------------------------------------------------------------


@cache
def _category_runs() -> tuple[tuple[int, int, str], ...]:
    """Every code point's Unicode general category, as runs of one category: (first, last,
    category). One pass over the code points, shared by every category asked for (a pass per
    category cost each pytest worker seconds of collection)."""
    runs: list[tuple[int, int, str]] = []
    first = 0
    categories = map(unicodedata.category, map(chr, range(sys.maxunicode + 1)))
    for category, run in itertools.groupby(categories):
        last = first + sum(1 for _ in run) - 1
        runs.append((first, last, category))
        first = last + 1
    return tuple(runs)


@cache
def _category_class(name: str) -> str:
    """A Python character-class body for the Unicode general category ``name`` (L, Lu, ...)."""
    ranges: list[tuple[int, int]] = []
    for low, high, category in _category_runs():
        if not category.startswith(name) or category == "Cs":  # no lone surrogates
            continue
        if ranges and ranges[-1][1] == low - 1:
            ranges[-1] = (ranges[-1][0], high)
        else:
            ranges.append((low, high))
    return "".join(
        f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges
    )


def _python_pattern(pattern: str) -> str:
    """The service-model pattern in Python's dialect (to be compiled with re.ASCII)."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escape = pattern[index + 1]
            if escape in "pP" and pattern[index + 2] == "{":
                if escape == "P":
                    raise NotImplementedError(f"negated property class in {pattern!r}")
                end = pattern.index("}", index)
                name = pattern[index + 3 : end]
                body = POSIX_CLASSES.get(name) or _category_class(name)
                out.append(body if in_class else f"[{body}]")
                index = end + 1
                continue
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == ".":
            out.append("[^" + "".join(f"\\U{ord(c):08x}" for c in LINE_TERMINATORS) + "]")
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


@cache
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(_python_pattern(pattern), re.ASCII)


def fits_pattern(pattern: str, text: str) -> bool:
    """Whether the whole of ``text`` matches the service-model pattern."""
    return compiled(pattern).fullmatch(text) is not None


# ---- constraints -----------------------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """A shape's constraints where it is used: its own, the seeds' for it and for the member."""

    min: int | None = None
    max: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] = ()


def bounds_of(service: str, shape: Shape, owner: str | None, member: str | None) -> Bounds:
    found = {key: shape.metadata[key] for key in ("min", "max", "pattern") if key in shape.metadata}
    found.update(SEED_BOUNDS.get((service, shape.name), {}))
    if owner is not None and member is not None:
        found.update(SEED_BOUNDS.get((service, owner, member), {}))
    enum = tuple(shape.enum) if shape.type_name == "string" else ()
    return Bounds(found.get("min"), found.get("max"), found.get("pattern"), enum)


def _is_token(structure: StructureShape, member: str) -> bool:
    return bool(structure.members[member].metadata.get("idempotencyToken"))


# ---- valid values ----------------------------------------------------------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@dataclass(frozen=True)
class Builder:
    """Strategies for the values of a service's shapes.

    ``response``: values as the service sends them (JSON: timestamps as epoch seconds) rather
    than as a caller passes them (datetimes). ``lenient``: responses may also hold unknown
    members, enum values outside the model and strings outside their bounds.
    """

    service: str
    response: bool = False
    lenient: bool = False
    max_items: int = 3
    max_text: int = 12

    def value(
        self,
        shape: Shape,
        owner: str | None = None,
        member: str | None = None,
        force: tuple[Any, ...] = (),
    ) -> st.SearchStrategy[Any]:
        """Values of ``shape`` used as ``owner.member``; ``force`` is a path that must exist."""
        bounds = bounds_of(self.service, shape, owner, member)
        kind = shape.type_name
        if isinstance(shape, StructureShape):
            return self.structure(shape, force)
        if isinstance(shape, ListShape):
            return self.list_of(shape, bounds, force)
        if isinstance(shape, MapShape):
            return self.map_of(shape, bounds, force)
        if kind == "string":
            return self.string(bounds)
        if kind in TYPE_RANGES:
            low, high = TYPE_RANGES[kind]
            if self.lenient:
                return st.integers(low, high)
            return st.integers(
                low if bounds.min is None else bounds.min,
                high if bounds.max is None else bounds.max,
            )
        if kind == "boolean":
            return st.booleans()
        if kind in ("double", "float"):
            return st.floats(allow_nan=False, allow_infinity=False)
        if kind == "timestamp":
            return self.timestamp()
        raise NotImplementedError(f"no strategy for {shape.name} of type {kind}")

    def structure(self, shape: StructureShape, force: tuple[Any, ...]) -> st.SearchStrategy[Any]:
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for name, member in shape.members.items():
            forced = bool(force) and force[0] == name
            strategy = self.value(member, shape.name, name, force[1:] if forced else ())
            # Requests carry their idempotency token, so botocore and we send the same one.
            always = name in shape.required_members or (
                not self.response and _is_token(shape, name)
            )
            if always or forced:
                required[name] = strategy
            else:
                optional[name] = (
                    st.one_of(st.none(), strategy) if self.lenient else strategy
                )  # JSON null for an absent member
        fixed = st.fixed_dictionaries(required, optional=optional)
        if not self.lenient:
            return fixed
        unknown = st.dictionaries(self.unknown_names(shape), JSON_VALUES, max_size=2)
        return st.builds(lambda known, extra: {**extra, **known}, fixed, unknown)

    def unknown_names(self, shape: StructureShape) -> st.SearchStrategy[str]:
        """Member names the model does not have, our Python names among them."""
        wire = set(shape.members)
        ours = [python_name(name) for name in shape.members if python_name(name) not in wire]
        names = st.text(min_size=1, max_size=12)
        if ours:
            names = st.one_of(st.sampled_from(ours), names)
        return names.filter(lambda name: name not in wire)

    def list_of(
        self, shape: ListShape, bounds: Bounds, force: tuple[Any, ...]
    ) -> st.SearchStrategy:
        low = bounds.min or 0
        if force:
            low = max(low, 1)
        high = low + self.max_items if bounds.max is None else min(bounds.max, low + self.max_items)
        if self.lenient:
            high = max(high, low + self.max_items)
        element = self.value(shape.member, force=force[1:] if force else ())
        within = st.lists(element, min_size=low, max_size=high)
        if not self.lenient or bounds.max is None:
            return within
        # More entries than the model allows: every one must still be read.
        beyond = st.integers(bounds.max + 1, bounds.max + 2)
        return st.one_of(within, st.builds(lambda item, n: [item] * n, element, beyond))

    def map_of(self, shape: MapShape, bounds: Bounds, force: tuple[Any, ...]) -> st.SearchStrategy:
        low = bounds.min or 0
        if force:
            low = max(low, 1)
        high = low + self.max_items if bounds.max is None else min(bounds.max, low + self.max_items)
        if self.lenient:
            low = 0 if not force else low
        key, value = self.value(shape.key), self.value(shape.value)
        within = st.dictionaries(key, value, min_size=low, max_size=high)
        if not self.lenient or bounds.max is None:
            return within
        over = st.dictionaries(key, value, min_size=bounds.max + 1, max_size=bounds.max + 1)
        return st.one_of(within, over)

    def string(self, bounds: Bounds) -> st.SearchStrategy[str]:
        valid = self.valid_string(bounds)
        if not self.lenient:
            return valid
        choices = [valid, st.text(max_size=self.max_text)]
        if bounds.max is not None:
            choices.append(st.builds(_pad, valid, st.integers(bounds.max + 1, bounds.max + 2)))
        return st.one_of(choices)

    def valid_string(self, bounds: Bounds) -> st.SearchStrategy[str]:
        return _valid_string(bounds, self.max_text)

    def timestamp(self) -> st.SearchStrategy[Any]:
        if not self.response:
            return st.datetimes(**REQUEST_TIMES, timezones=st.sampled_from(ZONES))
        # Epoch seconds, whole or with milliseconds, as the services send them.
        seconds = st.integers(*RESPONSE_SECONDS)
        return st.one_of(
            seconds,
            st.builds(lambda s, ms: s + ms / 1000, seconds, st.integers(0, 999)),
        )


@cache
def _valid_string(bounds: Bounds, max_text: int) -> st.SearchStrategy[str]:
    # One strategy per constraint set: hypothesis reads a pattern's classes (all of \p{L}) once.
    if bounds.enum:
        return st.sampled_from(bounds.enum)
    low = bounds.min or 0
    high = bounds.max
    if bounds.pattern is not None:
        return st.from_regex(compiled(bounds.pattern), fullmatch=True).filter(
            lambda text: low <= len(text) and (high is None or len(text) <= high)
        )
    cap = low + max_text if high is None else min(high, low + max_text)
    return st.text(min_size=low, max_size=cap)


@cache
def request_params(operation: Operation, force: tuple[Any, ...] = ()) -> st.SearchStrategy[Any]:
    """Valid wire-named parameters for the operation."""
    return Builder(operation.service).value(operation.model.input_shape, force=force)


@cache
def response_body(operation: Operation, *, lenient: bool = False) -> st.SearchStrategy[Any]:
    """A JSON-ready response document for the operation."""
    builder = Builder(operation.service, response=True, lenient=lenient)
    return builder.value(operation.output_shape)


# ---- names -----------------------------------------------------------------------------


def to_python_names(shape: Shape, value: Any) -> Any:
    """``value`` with every structure member under our Python name (map keys unchanged)."""
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        return {
            python_name(name): to_python_names(shape.members[name], item)
            for name, item in value.items()
        }
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [to_python_names(shape.member, item) for item in value]
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return {key: to_python_names(shape.value, item) for key, item in value.items()}
    return value


# ---- constraint violations -------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """One constraint of one request member: where it is (wire path) and what it bounds."""

    operation: Operation
    path: tuple[Any, ...]
    kind: str
    shape: Shape
    owner: str | None
    member: str | None

    def __str__(self) -> str:
        where = "".join("[0]" if step == ELEMENT else f".{step}" for step in self.path)
        where = where.lstrip(".")
        return f"{self.operation.name}:{where}:{self.kind}"

    @property
    def bounds(self) -> Bounds:
        return bounds_of(self.operation.service, self.shape, self.owner, self.member)

    @property
    def field(self) -> tuple[str, ...]:
        """The path ValidationError.fields should name: Python names, up to a map."""
        steps: list[str] = []
        for step in self.path:
            if step in (MAP_KEY, MAP_VALUE):
                break
            steps.append("[0]" if step == ELEMENT else python_name(step))
        return tuple(steps)


def violation_sites(operation: Operation) -> Iterator[Site]:
    """Every constraint on the operation's request members, one site each."""
    yield from _sites(operation, operation.model.input_shape, (), None, None)


def _sites(
    operation: Operation, shape: Shape, path: tuple[Any, ...], owner: str | None, member: str | None
) -> Iterator[Site]:
    bounds = bounds_of(operation.service, shape, owner, member)

    def site(kind: str) -> Site:
        return Site(operation, path, kind, shape, owner, member)

    if isinstance(shape, StructureShape):
        for name, child in shape.members.items():
            if name in shape.required_members and not _is_token(shape, name):
                yield Site(operation, (*path, name), "required", child, shape.name, name)
            yield from _sites(operation, child, (*path, name), shape.name, name)
        return
    if isinstance(shape, ListShape):
        if bounds.min:
            yield site("min_items")
        if bounds.max is not None:
            yield site("max_items")
        yield from _sites(operation, shape.member, (*path, ELEMENT), None, None)
        return
    if isinstance(shape, MapShape):
        if bounds.min:
            yield site("min_items")
        if bounds.max is not None:
            yield site("max_items")
        yield from _sites(operation, shape.key, (*path, MAP_KEY), None, None)
        yield from _sites(operation, shape.value, (*path, MAP_VALUE), None, None)
        return
    if shape.type_name in WRONG_TYPES:
        yield site("type")
    if shape.type_name == "string":
        if bounds.enum:
            yield site("enum")
        if bounds.min:
            yield site("min_length")
        if bounds.max is not None:
            yield site("max_length")
        if bounds.pattern is not None and not all(
            fits_pattern(bounds.pattern, probe) for probe in PROBES
        ):  # ``[\S\s]*`` (SageMaker's environment values) takes any text: nothing breaks it
            yield site("pattern")
    elif shape.type_name in TYPE_RANGES:
        if bounds.min is not None:
            yield site("min_value")
        if bounds.max is not None:
            yield site("max_value")


def _pad(text: str, length: int) -> str:
    seed = text or "a"
    return (seed * (length // len(seed) + 1))[:length]


def _with_probe(text: str, position: int, probe: str, bounds: Bounds) -> str:
    position = min(position, len(text))
    if bounds.max is not None and len(text) >= bounds.max and text:
        position = min(position, len(text) - 1)
        return text[:position] + probe + text[position + 1 :]
    return text[:position] + probe + text[position:]


@cache
def bad_value(site: Site) -> st.SearchStrategy[Any]:
    """Values of the site's shape that break its constraint (and, where they can, only it)."""
    bounds = site.bounds
    builder = Builder(site.operation.service)
    valid = builder.value(site.shape, site.owner, site.member)
    kind = site.kind
    if kind == "enum":
        lowered = [value.lower() for value in bounds.enum if value.lower() != value]
        candidates = st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(lowered or [""]))
        return candidates.filter(lambda value: value not in bounds.enum)
    if kind == "min_length":
        assert bounds.min
        return st.builds(lambda text, n: text[:n], valid, st.integers(0, bounds.min - 1))
    if kind == "max_length":
        assert bounds.max is not None
        return st.builds(_pad, valid, st.integers(bounds.max + 1, bounds.max + 8))
    if kind == "pattern":
        pattern = bounds.pattern
        assert pattern is not None
        return st.builds(
            _with_probe, valid, st.integers(0, 2**16), st.sampled_from(PROBES), st.just(bounds)
        ).filter(
            lambda text: (
                not fits_pattern(pattern, text)
                and (bounds.min or 0) <= len(text)
                and (bounds.max is None or len(text) <= bounds.max)
            )
        )
    if kind == "min_value":
        assert bounds.min is not None
        return st.integers(bounds.min - 10**6, bounds.min - 1)
    if kind == "max_value":
        assert bounds.max is not None
        return st.integers(bounds.max + 1, bounds.max + 10**6)
    if kind == "max_items":
        assert bounds.max is not None
        over = st.integers(bounds.max + 1, bounds.max + 2)
        if isinstance(site.shape, ListShape):
            return st.builds(lambda item, n: [item] * n, builder.value(site.shape.member), over)
        assert isinstance(site.shape, MapShape)
        return st.dictionaries(
            builder.value(site.shape.key),
            builder.value(site.shape.value),
            min_size=bounds.max + 1,
            max_size=bounds.max + 2,
        )
    if kind == "min_items":
        assert bounds.min
        empty: list[Any] | dict[str, Any] = [] if isinstance(site.shape, ListShape) else {}
        return st.just(empty)
    raise NotImplementedError(kind)


@st.composite
def violating(draw: Callable[[st.SearchStrategy[Any]], Any], site: Site) -> dict[str, Any]:
    """Wire-named parameters, valid but for the one constraint at ``site``."""
    params: dict[str, Any] = draw(request_params(site.operation, force=site.path))
    if site.kind == "required":
        return with_value(params, site.path, None)
    return with_value(params, site.path, draw(bad_value(site)))


def with_value(params: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A copy of ``params`` with ``value`` at ``path`` (the path's containers must exist).

    ``None`` leaves a nested member out, and passes a top-level one as None (all a caller can
    do with a required keyword argument); under a map, the path's end replaces the first key
    or value.
    """
    # Only the containers along the path are copied: the rest is shared with ``params``, which
    # nothing changes (a deep copy of a large request, for every edit of every example, was a
    # tenth of the validation properties' time).
    params = copy.copy(params)
    parent: Any = params
    for step in path[:-1]:
        parent[step] = copy.copy(parent[step])
        parent = parent[step]
    last = path[-1]
    if last == MAP_KEY:
        parent[value] = parent.pop(next(iter(parent)))
    elif last == MAP_VALUE:
        parent[next(iter(parent))] = value
    elif value is None and len(path) > 1:
        del parent[last]
    else:
        parent[last] = value
    return params


def single_edits(text: str, limit: int = 12) -> list[str]:
    """``text`` with one character inserted or replaced by a probe (or a lookalike of the one
    it replaces), at up to ``limit`` positions from each end."""
    positions = sorted(
        {*range(min(len(text), limit)), *range(max(0, len(text) - limit), len(text))}
    )
    edits = {probe + text for probe in PROBES}
    for position in positions:
        char = text[position]
        for probe in (*PROBES, *_lookalikes(char)):
            edits.add(text[:position] + probe + text[position + 1 :])
            edits.add(text[: position + 1] + probe + text[position + 1 :])
    return sorted(edits)


def _lookalikes(char: str) -> tuple[str, ...]:
    if char.isdigit():
        return LOOKALIKES["digit"]
    if char.isalpha():
        return LOOKALIKES["letter"]
    return LOOKALIKES.get(char, ())
