"""What a service's shapes become in Python: which structures a request and a response reach,
the class each is read into, the module each class lives in, and the type of every member.

A structure reached by requests is a `RequestModel` (a union's, a `RequestUnion`) named after
its shape; one reached by responses is a `ResponseModel`, named after its shape too unless
requests reach it as well, when it is ``<Shape>Output``. Each class lives in the module of the
first operation (in the registry's order) that reaches it, so calling one operation loads few
classes. The members of the modeled errors are read into ``<Shape>Members`` response models,
in a module of their own (``_errors``, with the structures they hold that no operation reaches)
that loads when a caller first reads an error's members. A document is a `JsonValue`.

Before any of it, `check_model` refuses a model holding what the generator cannot code.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from .code import Module
from .naming import ANY_TEXT, PATTERN_REWRITES, anchored, first_sentence, py_string, python_name
from .source import ServiceData
from .traits import check_model

__all__ = ["ERRORS_MODULE", "Member", "ServiceShapes", "Side"]

Side = Literal["request", "response"]

STRICT_SCALARS = {
    "string": "StrictStr",
    "integer": "StrictInt",
    "long": "StrictInt",
    "boolean": "StrictBool",
    "double": "StrictFloat",
    "float": "StrictFloat",
}
LENIENT_SCALARS = {
    "string": "str",
    "integer": "int",
    "long": "int",
    "boolean": "bool",
    "double": "float",
    "float": "float",
    "blob": "bytes",
}
# A request's timestamp type by the format it is written in (the JSON protocols' default:
# epoch seconds).
TIMESTAMPS = {None: "Timestamp", "unixTimestamp": "Timestamp"}
TIMESTAMPS |= {"iso8601": "IsoTimestamp", "rfc822": "HttpDateTimestamp"}
# What a host label may hold (botocore's check, before it builds the host).
HOST_LABEL = "[A-Za-z0-9.-]+"
MODELING = "aws_mlops_async.modeling"
TYPES = "._types"  # the module of a service's named types, beside its model modules
ERRORS_MODULE = "_errors"  # the module of the modeled errors' members


@dataclass(frozen=True)
class Member:
    """A member of a structure, as a field or a parameter spells it."""

    wire: str
    name: str
    shape: str
    required: bool
    token: bool
    location: str | None
    #: The header, query key or URI label the member is bound to, when ``location`` is set.
    location_name: str | None
    documentation: str
    #: The name its field reads and writes by: in a JSON body its ``locationName`` (else its
    #: own name); bound elsewhere, its own name.
    alias: str
    #: The timestamp format the member names (over its shape's), if any.
    timestamp_format: str | None
    #: Whether the member is any JSON value, in a header (``jsonvalue``; in a body the trait
    #: changes nothing: the member is a string).
    json_header: bool


@dataclass
class ServiceShapes:
    """The analysis of one service's shapes (see the module docstring)."""

    data: ServiceData
    requests: dict[str, None] = field(default_factory=dict)  # structures, in order of reach
    responses: dict[str, None] = field(default_factory=dict)
    #: The module (``_submit_service_job``) each class (by its Python name) lives in.
    homes: dict[str, str] = field(default_factory=dict)
    #: The classes of each module, in the order they are written.
    modules: dict[str, list[tuple[Side, str]]] = field(default_factory=dict)
    #: The operation each module is for.
    module_operation: dict[str, str] = field(default_factory=dict)
    #: Named types (enums, constrained scalars): alias name -> definition, docstring, and the
    #: names the definition uses (module, name).
    aliases: dict[str, tuple[str, str, set[tuple[str, str]]]] = field(default_factory=dict)
    #: The error shapes the registry's operations name, sorted.
    errors: list[str] = field(default_factory=list)

    #: The classes the types spelled since it was last emptied refer to.
    references: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        check_model(self.data)
        for operation in self.operations():
            spec = self.data.operation(operation)
            self._reach(spec["input"]["shape"], self.requests)
            if "output" in spec:
                self._reach(spec["output"]["shape"], self.responses)
        sides: tuple[tuple[Side, str], ...] = (("request", "input"), ("response", "output"))
        for operation in self.operations():
            module = f"_{python_name(operation)}"
            spec = self.data.operation(operation)
            placed: list[tuple[Side, str]] = []
            for side, root in sides:
                if root not in spec:
                    continue
                for shape in self._walk(spec[root]["shape"]):
                    name = self.class_name(shape, side)
                    if name not in self.homes:
                        self.homes[name] = module
                        placed.append((side, shape))
            if placed:
                self.modules[module] = placed
                self.module_operation[module] = operation
        self.errors = sorted(
            {
                error["shape"]
                for operation in self.operations()
                for error in self.data.operation(operation).get("errors", [])
            }
        )
        placed = []
        for error in self.errors:
            for shape in self._walk(error):
                name = self.class_name(shape, "response")
                if name not in self.homes:
                    self.homes[name] = ERRORS_MODULE
                    placed.append(("response", shape))
        if placed:
            self.modules[ERRORS_MODULE] = placed
        clashes = [s for s in self.responses if s in self.requests and f"{s}Output" in self.shapes]
        if clashes:
            raise ValueError(f"{self.data.service.name}: <Shape>Output clashes: {clashes}")

    # ---- the model ---------------------------------------------------------------------

    @property
    def shapes(self) -> dict[str, Any]:
        return self.data.shapes

    def operations(self) -> tuple[str, ...]:
        return self.data.service.operations

    def members(self, structure: str) -> Iterator[Member]:
        """The members of a structure, in the model's order."""
        shape = self.shapes[structure]
        required = set(shape.get("required", []))
        for wire, member in shape.get("members", {}).items():
            location = member.get("location")
            yield Member(
                wire=wire,
                name=python_name(wire),
                shape=member["shape"],
                required=wire in required,
                token=bool(member.get("idempotencyToken")),
                location=location,
                location_name=member.get("locationName"),
                documentation=first_sentence(
                    member.get("documentation") or self.shapes[member["shape"]].get("documentation")
                ),
                alias=member.get("locationName", wire) if location is None else wire,
                timestamp_format=member.get("timestampFormat"),
                json_header=location == "header" and bool(member.get("jsonvalue")),
            )

    def is_document(self, shape_name: str) -> bool:
        """Whether a shape is a document: any JSON value."""
        return bool(self.shapes[shape_name].get("document"))

    def _children(self, shape_name: str) -> Iterator[str]:
        shape = self.shapes[shape_name]
        kind = shape["type"]
        if kind == "structure" and not self.is_document(shape_name):
            for member in shape.get("members", {}).values():
                yield member["shape"]
        elif kind == "list":
            yield shape["member"]["shape"]
        elif kind == "map":
            yield shape["key"]["shape"]
            yield shape["value"]["shape"]

    def _walk(self, root: str) -> Iterator[str]:
        """The structures reachable from ``root``, each once, a structure after those it uses
        (so a module defines them in an order that reads top down)."""
        seen: set[str] = set()

        def visit(name: str) -> Iterator[str]:
            if name in seen:
                return
            seen.add(name)
            for child in self._children(name):
                yield from visit(child)
            if self.shapes[name]["type"] == "structure" and not self.is_document(name):
                yield name

        yield from visit(root)

    def _reach(self, root: str, into: dict[str, None]) -> None:
        for name in self._walk(root):
            into.setdefault(name, None)

    def class_name(self, structure: str, side: Side) -> str:
        """The Python class a structure is read into on one side."""
        if structure in self.errors:
            return f"{structure}Members"
        if side == "response" and structure in self.requests:
            return f"{structure}Output"
        return structure

    # ---- constraints -------------------------------------------------------------------

    def bounds(
        self, shape_name: str, owner: str | None = None, wire: str | None = None
    ) -> dict[str, Any]:
        """A shape's ``min``/``max``/``pattern`` where it is used, the registry's bounds added."""
        shape = self.shapes[shape_name]
        found = {key: shape[key] for key in ("min", "max", "pattern") if key in shape}
        if found.get("pattern") in ANY_TEXT:
            del found["pattern"]
        extra = self.data.service.bounds
        found.update(extra.get((shape_name,), {}))
        if owner is not None and wire is not None:
            found.update(self._member_bounds(owner, wire))
        return found

    def has_member_bounds(self, owner: str, wire: str) -> bool:
        return bool(self._member_bounds(owner, wire))

    def _member_bounds(self, owner: str, wire: str) -> dict[str, Any]:
        """The bounds of one member beyond its shape's: the registry's, and a host label's."""
        found = dict(self.data.service.bounds.get((owner, wire), {}))
        if self.shapes[owner]["members"][wire].get("hostLabel"):
            found["pattern"] = HOST_LABEL
        return found

    # ---- types -------------------------------------------------------------------------

    def field_type(self, module: Module, home: str, member: Member, side: Side, owner: str) -> str:
        """The annotation of ``owner``'s field for ``member`` in module ``home`` (imports
        recorded; the classes it names added to `references`)."""
        shape = self.shapes[member.shape]
        kind = shape["type"]
        if side == "response":
            if member.json_header:
                return module.use(MODELING, "HeaderJson")
            if member.location == "header" and kind == "list":
                item = self.shapes[shape["member"]["shape"]]
                http_dates = item.get("timestampFormat", "rfc822") == "rfc822"
                if item["type"] == "timestamp" and http_dates:
                    return module.use(MODELING, "HeaderDates")
                inner = self._response_type(module, home, shape["member"]["shape"])
                return f"{module.use(MODELING, 'HeaderList')}[{inner}]"
            return self._response_type(module, home, member.shape)
        if member.json_header:
            return module.use("pydantic", "JsonValue")
        if kind == "timestamp":
            time_format = member.timestamp_format or shape.get("timestampFormat")
            return module.use(MODELING, TIMESTAMPS[time_format])
        if self.has_member_bounds(owner, member.wire):
            # A member with bounds of its own gets them inline.
            bounds = self.bounds(member.shape, owner, member.wire)
            if kind in ("list", "map"):
                return self._sized(module, home, member.shape, bounds)
            return self._constrained(module, member.shape, bounds)
        return self._request_type(module, home, member.shape)

    def _class(self, module: Module, home: str, structure: str, side: Side) -> str:
        if self.is_document(structure):
            return module.use("pydantic", "JsonValue")
        name = self.class_name(structure, side)
        if self.homes[name] != home:
            module.use(f".{self.homes[name]}", name)
        self.references.add(name)
        return name

    def _alias(self, module: Module, name: str, define: Any, doc: str) -> str:
        """The named type ``name`` (defined in _types by ``define(names)`` when first used)."""
        if name not in self.aliases:
            names = Names()
            self.aliases[name] = (define(names), doc, names.used)
        return module.use(TYPES, name)

    def _request_type(self, module: Module, home: str, shape_name: str) -> str:
        shape = self.shapes[shape_name]
        kind = shape["type"]
        doc = first_sentence(shape.get("documentation"))
        if kind == "structure":
            return self._class(module, home, shape_name, "request")
        if kind == "string" and "enum" in shape:
            return self._alias(module, shape_name, self._enum(shape_name), doc)
        if kind == "string" and shape.get("sensitive"):
            return self._alias(module, shape_name, self._secret_string(shape_name), doc)
        if kind == "map" and shape.get("sensitive"):
            return self._alias(module, shape_name, self._secret_map(shape_name), doc)
        bounds = self.bounds(shape_name)
        if kind in ("list", "map"):
            return self._sized(module, home, shape_name, bounds)
        if kind == "timestamp":
            return module.use(MODELING, TIMESTAMPS[shape.get("timestampFormat")])
        if kind == "blob" and not bounds:
            return module.use(MODELING, "Blob")
        if not bounds:
            return module.use("pydantic", STRICT_SCALARS[kind])
        return self._alias(
            module, shape_name, lambda names: self._constrained(names, shape_name, bounds), doc
        )

    def _sized(self, module: Module, home: str, shape_name: str, bounds: dict[str, Any]) -> str:
        """A request's list or map, its length bounded as ``bounds`` say."""
        container = self._container(module, home, shape_name, "request")
        limits = self._length(bounds)
        if not limits:
            return container
        module.use("typing", "Annotated")
        module.use("pydantic", "Field")
        return f"Annotated[{container}, Field({limits})]"

    def _container(self, module: Module, home: str, shape_name: str, side: Side) -> str:
        shape = self.shapes[shape_name]
        pick = self._request_type if side == "request" else self._response_type
        if shape["type"] == "list":
            return f"list[{pick(module, home, shape['member']['shape'])}]"
        key = pick(module, home, shape["key"]["shape"]) if side == "request" else "str"
        return f"dict[{key}, {pick(module, home, shape['value']['shape'])}]"

    def _response_type(self, module: Module, home: str, shape_name: str) -> str:
        shape = self.shapes[shape_name]
        kind = shape["type"]
        if kind == "structure":
            return self._class(module, home, shape_name, "response")
        if kind == "string" and "enum" in shape:
            doc = first_sentence(shape.get("documentation"))
            enum = self._alias(module, shape_name, self._enum(shape_name), doc)
            return f"{module.use(MODELING, 'OpenEnum')}[{enum}]"
        if kind == "string" and shape.get("sensitive"):
            return module.use(MODELING, "SecretText")
        if kind == "map" and shape.get("sensitive"):
            return module.use(MODELING, "SecretMap")
        if kind in ("list", "map"):
            return self._container(module, home, shape_name, "response")
        if kind == "timestamp":
            return module.use(MODELING, "ResponseTimestamp")
        if kind == "blob":
            return module.use(MODELING, "ResponseBlob")
        return LENIENT_SCALARS[kind]

    # ---- definitions in _types ---------------------------------------------------------

    def _enum(self, shape_name: str) -> Any:
        values = ", ".join(json.dumps(value) for value in self.shapes[shape_name]["enum"])
        return lambda names: f"{names.use('typing', 'Literal')}[{values}]"

    def _secret_string(self, shape_name: str) -> Any:
        checks = self._string_checks(self.bounds(shape_name))

        def define(names: Names) -> str:
            inner = (
                f"{names.use('typing', 'Annotated')}[str, "
                f"{names.use('pydantic', 'StringConstraints')}({checks})]"
            )
            secret = names.use(MODELING, "Sensitive")
            annotated = names.use("typing", "Annotated")
            return f"{annotated}[{secret}[{inner}], {names.use(MODELING, 'REVEAL_ON_WIRE')}]"

        return define

    def _secret_map(self, shape_name: str) -> Any:
        shape = self.shapes[shape_name]
        key_max = self.shapes[shape["key"]["shape"]].get("max")
        value_max = self.shapes[shape["value"]["shape"]].get("max")
        limits = f"max_items={self.bounds(shape_name).get('max')}, key_max={key_max}, "
        limits += f"value_max={value_max}"

        def define(names: Names) -> str:
            return (
                f"{names.use('typing', 'Annotated')}[{names.use(MODELING, 'Sensitive')}"
                f"[dict[str, str]], {names.use(MODELING, 'sensitive_map')}({limits}), "
                f"{names.use(MODELING, 'REVEAL_ON_WIRE')}]"
            )

        return define

    def _constrained(self, module: Module | Names, shape_name: str, bounds: dict[str, Any]) -> str:
        kind = self.shapes[shape_name]["type"]
        module.use("typing", "Annotated")
        if kind == "string":
            module.use("pydantic", "StringConstraints")
            checks = f"StringConstraints({self._string_checks(bounds)})"
            pattern = bounds.get("pattern", "")
            if _looks_around(pattern):
                # pydantic-core's regex engine has no look-around: Python's re checks these.
                matching = module.use(MODELING, "matching")
                checks += f", {matching}({py_string(anchored(pattern, python=True))})"
            return f"Annotated[str, {checks}]"
        if kind in ("integer", "long", "double", "float"):
            module.use("pydantic", "Field")
            scalar = module.use("pydantic", STRICT_SCALARS[kind])
            limits = [f"ge={bounds['min']}"] if "min" in bounds else []
            limits += [f"le={bounds['max']}"] if "max" in bounds else []
            return f"Annotated[{scalar}, Field({', '.join(limits)})]"
        if kind == "blob":
            module.use("pydantic", "Field")
            return f"Annotated[{module.use(MODELING, 'Blob')}, Field({self._length(bounds)})]"
        raise ValueError(f"cannot constrain {shape_name} ({kind}) by {bounds}")

    @staticmethod
    def _string_checks(bounds: dict[str, Any]) -> str:
        checks = ["strict=True"]
        if bounds.get("min"):
            checks.append(f"min_length={bounds['min']}")
        if "max" in bounds:
            checks.append(f"max_length={bounds['max']}")
        if "pattern" in bounds and not _looks_around(bounds["pattern"]):
            checks.append(f"pattern={py_string(anchored(bounds['pattern']))}")
        return ", ".join(checks)

    @staticmethod
    def _length(bounds: dict[str, Any]) -> str:
        limits = [f"min_length={bounds['min']}"] if bounds.get("min") else []
        limits += [f"max_length={bounds['max']}"] if "max" in bounds else []
        return ", ".join(limits)

    # ---- parameters (what a client method takes) ---------------------------------------

    def member_parameter_type(self, module: Module, member: Member) -> str:
        """What a client method's parameter for ``member`` accepts (see `parameter_type`)."""
        if member.json_header:
            return module.use_for_typing("pydantic", "JsonValue")
        return self.parameter_type(module, member.shape)

    def parameter_type(self, module: Module, shape_name: str) -> str:
        """What a client method's parameter of ``shape_name`` accepts, for its annotation:
        plain Python types, an enum's Literal, a structure's class or a mapping of its
        fields (names for type checking only: the models load on first call)."""
        shape = self.shapes[shape_name]
        kind = shape["type"]
        models = ".models"
        if self.is_document(shape_name):
            return module.use_for_typing("pydantic", "JsonValue")
        if kind == "structure":
            name = module.use_for_typing(models, shape_name)
            mapping = module.use("collections.abc", "Mapping")
            return f"{name} | {mapping}[str, {module.use('typing', 'Any')}]"
        if kind == "string" and "enum" in shape:
            return module.use_for_typing(models, shape_name)
        if kind == "list":
            inner = self.parameter_type(module, shape["member"]["shape"])
            return f"{module.use('collections.abc', 'Sequence')}[{inner}]"
        if kind == "map":
            value = self.parameter_type(module, shape["value"]["shape"])
            return f"{module.use('collections.abc', 'Mapping')}[str, {value}]"
        if kind == "timestamp":
            return module.use("datetime", "datetime")
        return LENIENT_SCALARS[kind]

    def constraints_text(self, shape_name: str, owner: str | None, wire: str | None) -> str:
        """The constraints of a member in words, for a parameter's documentation."""
        shape = self.shapes[shape_name]
        kind = shape["type"]
        bounds = self.bounds(shape_name, owner, wire)
        words: list[str] = []
        if kind == "string" and "enum" in shape:
            words.append("one of " + ", ".join(f"``{v}``" for v in shape["enum"]))
        elif kind == "string":
            words += _range_words(bounds, "characters")
            if "pattern" in bounds:
                words.append(f"matching ``{bounds['pattern']}``")
        elif kind in ("integer", "long", "double", "float"):
            if "min" in bounds and "max" in bounds:
                words.append(f"{bounds['min']}..{bounds['max']}")
            elif "min" in bounds:
                words.append(f"at least {bounds['min']}")
            elif "max" in bounds:
                words.append(f"at most {bounds['max']}")
        elif kind in ("list", "map"):
            words += _range_words(bounds, "entries")
        if shape.get("sensitive"):
            words.append("secret: masked everywhere but on the wire")
        return "; ".join(words)


def _looks_around(pattern: str) -> bool:
    pattern = PATTERN_REWRITES.get(pattern, pattern)  # some are rewritten without it
    return any(look in pattern for look in ("(?=", "(?!", "(?<=", "(?<!"))


def _range_words(bounds: dict[str, Any], unit: str) -> list[str]:
    low, high = bounds.get("min"), bounds.get("max")
    if low and high is not None:
        return [f"{low} to {high} {unit}"]
    if high is not None:
        return [f"up to {high} {unit}"]
    if low:
        return [f"at least {low} {unit}"]
    return []


class Names:
    """Records the names a definition spells, for the module it ends up in to import."""

    def __init__(self) -> None:
        self.used: set[tuple[str, str]] = set()

    def use(self, module: str, name: str) -> str:
        """Record ``name`` from ``module``; the name."""
        self.used.add((module, name))
        return name
