"""The public surface of aws_mlops_async, found by introspection, and the hostile values each of
its parameters is fed: what ``test_hostile_arguments.py`` runs.

The surface is every public function, constructor and method reachable from the modules users
import (`PUBLIC_MODULES`' ``__all__``, the clients a Session hands out and their generated
paginators and waiters), each parameter read from ``inspect.signature`` and its annotation.
What a parameter takes (`Shape`) decides which hostile values it gets (`KINDS`). No
parameter of the library is named here but in the words an error may name it by
(`NAMED_AS`), and in what is left out (`EXCLUDED`, each with its reason): a parameter added
tomorrow is attacked the day it lands. (The valid value each parameter takes while another is
attacked, and how a call ends, are `hostile_harness`'s.)
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import importlib
import inspect
import math
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from hypothesis import strategies as st
from registry import SERVICES

from aws_mlops_async._session_clients import client_class
from aws_mlops_async.client import BaseClient
from aws_mlops_async.modeling import AwsModel
from aws_mlops_async.pagination import PaginatorSpec
from aws_mlops_async.protocol import OperationSpec
from aws_mlops_async.waiters import Waiter

__all__ = [
    "EXCLUDED",
    "KINDS",
    "NAMED_AS",
    "PUBLIC_MODULES",
    "Entry",
    "HostileValueError",
    "Param",
    "Shape",
    "Site",
    "client_classes",
    "examples",
    "is_excluded",
    "kinds_of",
    "names_for",
    "paginator_names",
    "parameters",
    "sites",
    "strategy",
    "surface",
    "unused",
    "waiter_names",
]

#: The modules users import, whose ``__all__`` is the public surface (with the clients a
#: Session hands out, and their paginators and waiters).
PUBLIC_MODULES = (
    "aws_mlops_async",
    "aws_mlops_async.config",
    "aws_mlops_async.session",
    "aws_mlops_async.pagination",
    "aws_mlops_async.waiters",
    "aws_mlops_async.bulk",
    "aws_mlops_async.transport",
    "aws_mlops_async.testing",
    "aws_mlops_async.interceptors",
    "aws_mlops_async.ext.batch",
    "aws_mlops_async.ext.watching",
    "aws_mlops_async.contrib.opentelemetry",
)

#: What the suite deliberately leaves out, and why: a class (its constructor and methods), a
#: constructor (``Class()``) or a method (``Class.method``). Exception classes are left out as
#: a kind (`excluded_reason`): they are raised, never called with a user's arguments.
EXCLUDED: dict[str, str] = {
    "AsyncTransport": "a Protocol: nothing to call",
    # Records the library builds and hands out; their fields are what it put there.
    "BulkProgress": "a record a bulk run hands out (run.progress)",
    "Outcome": "a record a bulk run hands out (one per job)",
    "ResponseMetadata": "a record every result carries (result.response_metadata)",
    "ServiceJobUpdate": "a record a watch hands out (one per change)",
    "CallContext": "a record the client makes for each call and hands to interceptors",
    "TransportRequest": "a record the client makes for each attempt and hands to its transport",
    "Timeouts": "a record the client makes from Config and hands to its transport",
    "Credentials": "a record credential providers hand to the signer",
    # The blocks generated code is built of: users get them from the clients.
    "PaginatorSpec": "generated code's description of a paginator (operations modules)",
    "WaiterSpec": "generated code's description of a waiter (operations modules)",
    "Acceptor": "one rule of a generated WaiterSpec",
    "BaseClient()": "made by the Session (session.batch, session.client(...)), which is attacked",
    "Paginator()": "made by client.get_paginator(name), which the suite attacks",
    "Waiter()": "made by client.get_waiter(name), which the suite attacks",
    "PageIterator()": "made by paginator.paginate(...), which the suite attacks",
    "BulkSubmission()": (
        "made by BatchClient.submit_service_jobs, which takes and passes on the same "
        "parameters and which the suite attacks"
    ),
    "ServiceJobWatch()": (
        "made by BatchClient.watch_service_jobs, which takes and passes on the same "
        "parameters and which the suite attacks"
    ),
    # Seams the library calls with what it made itself.
    "BaseClient.invoke": (
        "the Invoker seam bulk runs, paginators, waiters and watches call with a generated "
        "OperationSpec; its request is the request-validation conformance suite's"
    ),
    "BaseClient.build_request": "the Invoker seam (see BaseClient.invoke)",
    "Session.pause": "the SessionLike seam: a client's back-off, with its retry policy's delay",
    "CloudWatchLogsClient.get_waiter": (
        "Amazon CloudWatch Logs has no waiters: no call is valid, and every name is refused "
        "as tests/unit/test_arguments.py checks"
    ),
    **dict.fromkeys(
        ("AiohttpTransport.send", "MockTransport.send", "Stubber.send"),
        "the AsyncTransport seam: called by a client with the TransportRequest it made",
    ),
    **dict.fromkeys(
        (
            "OpenTelemetryInterceptor.before_call",
            "OpenTelemetryInterceptor.after_attempt",
            "OpenTelemetryInterceptor.after_call",
        ),
        "an interceptor hook: called by a client with the CallContext it made",
    ),
}

#: Why parameters are left out as a kind (`request_members`): a request member of a generated
#: operation method, paginator or waiter is validated by the operation's request model, which
#: the request-validation conformance suite attacks member by member.
REQUEST_MEMBERS = "a request member: tests/conformance/test_request_validation.py"


class HostileValueError(Exception):
    """What a hostile value's ``__eq__``, ``__ne__`` and ``__hash__`` raise."""


# ---- the surface ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One public callable: a class (its constructor), a method or a function."""

    #: ``Config()``, ``Session.client``, ``derive_token``.
    key: str
    kind: Literal["constructor", "method", "function"]
    #: What is called: the class, or the function (a method's, unbound).
    target: Any
    #: For a method: the class defining it (an instance of it is called).
    owner: type | None = None
    #: For a generated operation method: the operation it calls.
    operation: OperationSpec[Any, Any] | None = None

    def __str__(self) -> str:
        return self.key


def client_classes() -> list[type[BaseClient]]:
    """The client class a Session hands out for each service."""
    return [client_class(service.name) for service in SERVICES]


def generated_module(client: type[BaseClient]) -> types.ModuleType:
    """The generated module of a client class (the one defining its paginators and waiters)."""
    for klass in client.__mro__:
        if klass.__module__.startswith("aws_mlops_async.services."):
            return importlib.import_module(klass.__module__)
    raise AssertionError(f"{client.__name__} has no generated base")


def operations_module(client: type[BaseClient]) -> types.ModuleType:
    return importlib.import_module(
        generated_module(client).__name__.rsplit(".", 1)[0] + ".operations"
    )


def roots() -> list[Any]:
    """Every class and function the public modules export, then the clients a Session hands
    out and what their generated modules export (paginators, waiters); in a fixed order."""
    found: list[Any] = []
    for name in PUBLIC_MODULES:
        module = importlib.import_module(name)
        found += [getattr(module, export) for export in module.__all__]
    for client in client_classes():
        found.append(client)
        module = generated_module(client)
        found += [getattr(module, export) for export in module.__all__]
    unique: dict[int, Any] = {}
    for obj in found:
        # Constants, typing aliases (RetryMode) and aliases of builtins (Interceptor is
        # object) are not the library's callables.
        if getattr(obj, "__module__", "").startswith("aws_mlops_async") and (
            inspect.isclass(obj) or inspect.isfunction(obj)
        ):
            unique.setdefault(id(obj), obj)
    return list(unique.values())


def excluded_reason(entry_or_class: Entry | type) -> str | None:
    """Why the suite leaves a class or callable out, or None."""
    if inspect.isclass(entry_or_class):
        if issubclass(entry_or_class, BaseException):
            return "an exception class: raised by the library, never called with a user's arguments"
        return EXCLUDED.get(entry_or_class.__name__)
    entry = entry_or_class
    return EXCLUDED.get(entry.key)


def _public_methods(klass: type) -> Iterator[tuple[str, Any, type]]:
    """Each public method of ``klass`` (its own or inherited from the library): name, the
    function, and the class defining it. Properties take no arguments and are left out."""
    for name in sorted(dir(klass)):
        if name.startswith("_"):
            continue
        for definer in klass.__mro__:
            if name in vars(definer):
                break
        else:  # pragma: no cover - dir() lists only what the MRO holds
            continue
        if not definer.__module__.startswith("aws_mlops_async"):
            continue  # object's, Exception's, Generic's
        raw = vars(definer)[name]
        if isinstance(raw, (staticmethod, classmethod)):
            yield name, raw.__func__, definer
        elif inspect.isfunction(raw):
            yield name, raw, definer


@cache
def surface() -> tuple[Entry, ...]:
    """Every public callable, once (an inherited method under the class defining it)."""
    entries: dict[str, Entry] = {}
    seen_functions: set[int] = set()
    for obj in roots():
        if inspect.isfunction(obj):
            entries.setdefault(obj.__name__, Entry(obj.__name__, "function", obj))
            continue
        key = f"{obj.__name__}()"
        entries.setdefault(key, Entry(key, "constructor", obj))
        for name, function, definer in _public_methods(obj):
            if id(function) in seen_functions:
                continue
            seen_functions.add(id(function))
            operation = None
            if issubclass(definer, BaseClient) and definer is not BaseClient:
                operation = next(
                    (spec for spec in definer.operation_specs if spec.method == name), None
                )
            key = f"{definer.__name__}.{name}"
            if key in entries:  # the generated BatchClient under the hand-written one
                key = f"{definer.__module__.rsplit('.', 1)[-1]}.{key}"
            entries[key] = Entry(key, "method", function, definer, operation)
    return tuple(entries.values())


def is_excluded(entry: Entry) -> str | None:
    """Why ``entry`` (or its class) is left out, or None."""
    owner = entry.target if entry.kind == "constructor" else entry.owner
    if owner is not None and excluded_reason(owner) is not None:
        return excluded_reason(owner)
    if entry.kind == "constructor":
        for klass in entry.target.__mro__:
            if f"{klass.__name__}()" in EXCLUDED and klass.__module__.startswith("aws_mlops_async"):
                return EXCLUDED[f"{klass.__name__}()"]
    return excluded_reason(entry)


# ---- parameters and what they take ---------------------------------------------------------


class _Names(dict[str, Any]):
    """Names an annotation may use that its module imports only for type checking."""

    def __missing__(self, name: str) -> Any:
        for module in _type_modules():
            if hasattr(module, name):
                return getattr(module, name)
        raise KeyError(name)


@cache
def _type_modules() -> tuple[types.ModuleType, ...]:
    names = [
        "typing",
        "collections.abc",
        "datetime",
        "aws_mlops_async.bulk",
        "aws_mlops_async.ext.watching",
        "aws_mlops_async.ext.batch",
        "aws_mlops_async.modeling",
        "aws_mlops_async.metadata",
        "aws_mlops_async.protocol",
        "aws_mlops_async.interceptors",
        "aws_mlops_async.client",
        "aws_mlops_async.invoker",
        *(f"aws_mlops_async.services.{service.name}.models" for service in SERVICES),
        *(f"aws_mlops_async.services.{service.name}.client" for service in SERVICES),
    ]
    return tuple(importlib.import_module(name) for name in names)


def resolve(annotation: Any, function: Callable[..., Any]) -> Any:
    """The type an annotation (a string, under ``from __future__ import annotations``) says."""
    if not isinstance(annotation, str):
        return annotation
    return eval(annotation, function.__globals__, _Names())


@dataclass(frozen=True)
class Shape:
    """What a parameter takes, read from its annotation."""

    optional: bool = False
    number: bool = False
    int_only: bool = False
    boolean: bool = False
    text: bool = False
    literal: tuple[Any, ...] = ()
    iterable: bool = False
    mapping: bool = False
    callable: bool = False
    datetime: bool = False
    #: Other classes it takes an instance of (Config, an aiohttp.ClientSession, a client...).
    instances: tuple[type, ...] = ()
    #: Anything at all (``object``, ``Any``).
    anything: bool = False

    @property
    def scalar(self) -> bool:
        return self.number or self.boolean or self.text or bool(self.literal)


def shape_of(annotation: Any) -> Shape:
    """The `Shape` of a resolved annotation."""
    flags: dict[str, Any] = {"literal": (), "instances": ()}
    _read(annotation, flags)
    if flags.get("number") and not flags.get("float"):
        flags["int_only"] = True
    flags.pop("float", None)
    return Shape(**flags)


_ITERABLES = (
    collections.abc.Iterable,
    collections.abc.AsyncIterable,
    collections.abc.Sequence,
    collections.abc.Collection,
    list,
    tuple,
    set,
    frozenset,
)


def _read(annotation: Any, flags: dict[str, Any]) -> None:
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is typing.Annotated:
        _read(arguments[0], flags)
    elif origin in (typing.Union, types.UnionType):
        for argument in arguments:
            _read(argument, flags)
    elif origin is Literal:
        flags["literal"] += arguments
    elif annotation is None or annotation is type(None):
        flags["optional"] = True
    elif annotation in (Any, object) or (
        inspect.isclass(annotation) and getattr(annotation, "_is_protocol", False)
    ):
        if annotation is object or annotation is Any:
            flags["anything"] = True
        else:
            flags["instances"] += (annotation,)
    elif annotation is bool:
        flags["boolean"] = True
    elif annotation is int:
        flags["number"] = True
    elif annotation is float:
        flags["number"] = flags["float"] = True
    elif annotation is str:
        flags["text"] = True
    elif annotation is dt.datetime:
        flags["datetime"] = True
    elif origin is collections.abc.Callable or annotation is collections.abc.Callable:
        flags["callable"] = True
    elif origin in (collections.abc.Mapping, dict) or annotation in (collections.abc.Mapping, dict):
        flags["mapping"] = True
    elif origin in _ITERABLES or annotation in _ITERABLES:
        flags["iterable"] = True
    elif inspect.isclass(annotation) and issubclass(annotation, _unset_type()):
        pass  # the "not given" sentinel of with_options: never a value to attack
    elif inspect.isclass(annotation):
        flags["instances"] += (annotation,)
    else:  # pragma: no cover - a new kind of annotation: say so rather than guess
        raise TypeError(f"an annotation the hostile suite cannot read: {annotation!r}")


def _unset_type() -> type:
    from aws_mlops_async.config import _Unset

    return _Unset


@dataclass(frozen=True)
class Param:
    """One parameter of a public callable."""

    entry: Entry
    name: str
    annotation: Any
    default: Any
    shape: Shape
    #: Why it is left out, or None.
    excluded: str | None = None

    def __str__(self) -> str:
        return f"{self.entry.key}[{self.name}]"

    @property
    def required(self) -> bool:
        return self.default is inspect.Parameter.empty


def parameters(entry: Entry) -> list[Param]:
    """The parameters of ``entry``, from its signature and annotations (``self`` left out)."""
    signature = inspect.signature(entry.target)
    # A constructor's annotations are its __init__'s, read in its module.
    function = entry.target.__init__ if entry.kind == "constructor" else entry.target
    names = list(signature.parameters)
    if entry.kind == "method" and names and names[0] in ("self", "cls"):
        names = names[1:]
    members = request_members(entry)
    found = []
    for name in names:
        parameter = signature.parameters[name]
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        annotation = resolve(parameter.annotation, function)
        found.append(
            Param(
                entry,
                name,
                annotation,
                parameter.default,
                shape_of(annotation),
                REQUEST_MEMBERS if name in members else None,
            )
        )
    return found


def request_members(entry: Entry) -> set[str]:
    """The parameters of a generated operation method, paginator or waiter that are members of
    its operation's request."""
    if entry.operation is not None:
        return set(entry.operation.input.model_fields)
    owner = entry.owner
    if owner is not None and issubclass(owner, Waiter) and entry.target.__name__ == "wait":
        own = set(inspect.signature(Waiter._wait).parameters) - {"self", "poll"}
        return set(inspect.signature(entry.target).parameters) - own - {"self"}
    if owner is not None and entry.target.__name__ == "paginate":
        spec = paginator_spec(owner)
        if spec is not None:
            return set(spec.operation.input.model_fields)
    return set()


@cache
def paginator_names(client: type[BaseClient]) -> dict[type, str]:
    """Each paginator class of a client, with the name ``get_paginator`` takes for it."""
    found: dict[type, str] = {}
    for value in vars(operations_module(client)).values():
        if isinstance(value, PaginatorSpec):
            paginator = client.get_paginator(_Placeholder(), value.operation.method)  # type: ignore[arg-type]
            found[type(paginator)] = value.operation.method
    return found


@cache
def waiter_names(client: type[BaseClient]) -> dict[type, str]:
    """Each waiter class of a client, with the name ``get_waiter`` takes for it."""
    from aws_mlops_async.waiters import WaiterSpec

    found: dict[type, str] = {}
    for value in vars(operations_module(client)).values():
        if isinstance(value, WaiterSpec):
            name = "".join(f"_{c.lower()}" if c.isupper() else c for c in value.name).lstrip("_")
            waiter = client.get_waiter(_Placeholder(), name)  # type: ignore[arg-type]
            found[type(waiter)] = name
    return found


def paginator_spec(paginator: type) -> PaginatorSpec[Any, Any] | None:
    for client in client_classes():
        name = paginator_names(client).get(paginator)
        if name is not None:
            made = client.get_paginator(_Placeholder(), name)  # type: ignore[arg-type]
            spec: PaginatorSpec[Any, Any] = made._spec
            return spec
    return None


class _Placeholder:
    """A stand-in client for reading which class and spec ``get_paginator`` picks."""


@dataclass(frozen=True)
class Site:
    """One parameter attacked, with the hostile kinds its shape gets."""

    param: Param
    kinds: tuple[str, ...]

    def __str__(self) -> str:
        return str(self.param)


@cache
def all_params() -> tuple[Param, ...]:
    return tuple(
        param for entry in surface() if is_excluded(entry) is None for param in parameters(entry)
    )


@cache
def sites() -> tuple[Site, ...]:
    """Every parameter attacked: each parameter of each public callable not left out."""
    return tuple(
        Site(param, tuple(kinds_of(param.shape)))
        for param in all_params()
        if param.excluded is None
    )


# ---- hostile values ------------------------------------------------------------------------


class HostileEq:
    """An object whose comparisons and hash raise."""

    def __eq__(self, other: object) -> bool:
        raise HostileValueError("__eq__ of a hostile value")

    def __ne__(self, other: object) -> bool:
        raise HostileValueError("__ne__ of a hostile value")

    def __hash__(self) -> int:
        raise HostileValueError("__hash__ of a hostile value")

    def __repr__(self) -> str:
        return "HostileEq()"


class HostileStr(str):
    """A str whose comparisons and hash raise."""

    __eq__ = HostileEq.__eq__  # type: ignore[assignment]
    __ne__ = HostileEq.__ne__  # type: ignore[assignment]
    __hash__ = HostileEq.__hash__  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HostileStr({str(self)!r})"


class HostileInt(int):
    """An int whose comparisons and hash raise."""

    __eq__ = HostileEq.__eq__  # type: ignore[assignment]
    __ne__ = HostileEq.__ne__  # type: ignore[assignment]
    __hash__ = HostileEq.__hash__  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HostileInt({int(self)})"


async def _async_function(*args: Any) -> None:
    """An async function, where a plain one is expected."""


def _model_instance() -> AwsModel:
    from aws_mlops_async.services.batch.models import SubmitServiceJobRequest

    return SubmitServiceJobRequest(
        job_name="job",
        job_queue="queue",
        service_job_type="SAGEMAKER_TRAINING",
        service_request_payload="{}",
    )


#: A megabyte and more of text, in a few forms.
HUGE_TEXTS = ("x" * 2**20, "\u00e9\u4e2d" * 2**19, "a b\t" * 2**18)


@dataclass(frozen=True)
class Kind:
    """One kind of hostile value: which shapes it attacks, fixed examples of it (made afresh
    each time: some are mutable, some cannot be hashed), and how to generate more."""

    applies: Callable[[Shape], bool]
    examples: Callable[[Shape], list[Any]]
    more: Callable[[Shape], st.SearchStrategy[Any]] | None = None

    def strategy(self, shape: Shape) -> st.SearchStrategy[Any]:
        """Its examples, or more of its kind. (Drawn by index: Hypothesis hashes what
        sampled_from holds, and a hostile value's hash raises.)"""
        count = len(self.examples(shape))
        fixed = st.integers(0, count - 1).map(lambda index: self.examples(shape)[index])
        return fixed | self.more(shape) if self.more is not None else fixed


def _texts_for(shape: Shape) -> list[Any]:
    if shape.number:
        return ["1", "2.5", "nan", "inf", "", " 1 "]
    if shape.boolean:
        return ["true", "false", "True", "1", ""]
    return ["", "x", "1"]


def _hostile_eq(shape: Shape) -> list[Any]:
    made: list[Any] = [HostileEq()]
    if shape.text or shape.literal:
        made.append(HostileStr(next((v for v in shape.literal if isinstance(v, str)), "x")))
    if shape.number:
        made.append(HostileInt(3))  # a count, rate or duration taken at once
    return made


def _other_choices(shape: Shape) -> list[Any]:
    choices = [value for value in shape.literal if isinstance(value, str)]
    variants = (
        [c.upper() for c in choices] + [c.title() for c in choices] + [f" {c}" for c in choices]
    )
    return [v for v in variants if v not in choices] or ["x"]


def _any_number(shape: Shape) -> st.SearchStrategy[Any]:
    return st.integers() | st.floats(allow_nan=False)


#: Each kind of hostile value, by name.
KINDS: dict[str, Kind] = {
    # Numbers that are no duration, count or rate.
    "nan": Kind(lambda s: s.number, lambda s: [math.nan]),
    "infinity": Kind(lambda s: s.number, lambda s: [math.inf, -math.inf]),
    "zero": Kind(lambda s: s.number, lambda s: [0, 0.0, -0.0]),
    "negative": Kind(
        lambda s: s.number,
        lambda s: [-1, -0.5, -(10**30)],
        lambda s: st.integers(max_value=-1) | st.floats(max_value=-1e-300, allow_infinity=False),
    ),
    "huge": Kind(
        lambda s: s.number,
        lambda s: [10**30, 2**63, 1e308],
        lambda s: st.integers(min_value=2**63) | st.floats(min_value=1e18, max_value=1e308),
    ),
    "fraction": Kind(
        lambda s: s.int_only,
        lambda s: [0.5, 2.5, 1.0],
        lambda s: st.floats(min_value=0.01, max_value=1e6),
    ),
    # Values of another type.
    "bool": Kind(
        lambda s: (s.number or s.text or bool(s.literal)) and not s.boolean,
        lambda s: [True, False],
    ),
    "number": Kind(
        lambda s: s.boolean or not (s.number or s.anything),
        lambda s: [0, 1, 2, 0.0, 1.0] if s.boolean else [0, 1, -1, 1.5, 10**30],
        lambda s: st.nothing() if s.boolean else _any_number(s),
    ),
    "text": Kind(
        lambda s: s.number or s.boolean or not (s.text or s.literal or s.anything or s.iterable),
        _texts_for,
        lambda s: st.nothing() if s.boolean else st.text(max_size=8),
    ),
    "bytes": Kind(lambda s: s.text or bool(s.literal), lambda s: [b"x", bytearray(b"x")]),
    "none": Kind(lambda s: not (s.optional or s.anything), lambda s: [None]),
    "mapping": Kind(
        lambda s: (
            bool(s.iterable or s.instances or s.callable or s.scalar or s.datetime)
            and not (s.mapping or s.anything)
        ),
        lambda s: [{}, {"a": 1}, {"job_name": "j", "job_queue": "q"}],
    ),
    "model": Kind(
        lambda s: bool(s.mapping or s.iterable or s.instances), lambda s: [_model_instance()]
    ),
    "object": Kind(lambda s: not s.anything, lambda s: [object()]),
    "hostile_eq": Kind(lambda s: True, _hostile_eq),
    # Text that is no name, URL or id.
    "empty": Kind(lambda s: s.text or bool(s.literal), lambda s: [""]),
    "blank": Kind(
        lambda s: s.text or bool(s.literal),
        lambda s: [" ", "\t", "\n", " \r\n ", "\u3000", "\u2028"],
        lambda s: st.text(alphabet=" \t\n\r\x0b\x0c\u2028\u3000", min_size=1, max_size=6),
    ),
    "huge_text": Kind(lambda s: s.text or bool(s.literal), lambda s: list(HUGE_TEXTS)),
    "unprintable": Kind(
        lambda s: s.text, lambda s: ["\x00", "a\r\nb", "\ud800", "\x1b[2J", "a\nb"]
    ),
    "other_choice": Kind(
        lambda s: bool(s.literal) and not s.text,
        _other_choices,
        lambda s: st.text(max_size=8).filter(lambda v: v not in s.literal),
    ),
    # Containers that are not what an iterable or a mapping parameter takes.
    "single_text": Kind(
        lambda s: s.iterable, lambda s: ["abc", "x"], lambda s: st.text(min_size=1, max_size=8)
    ),
    "list": Kind(lambda s: s.mapping and not s.iterable, lambda s: [[("a", 1)], ["a"], []]),
    "bad_items": Kind(
        lambda s: s.iterable,
        lambda s: [[None], [5], [math.nan], [""], [HostileEq()], [[1]]],
    ),
    # Functions and times.
    "async_function": Kind(lambda s: s.callable, lambda s: [_async_function]),
    "naive_datetime": Kind(lambda s: s.datetime, lambda s: [dt.datetime(2024, 1, 1)]),
    "extreme_datetime": Kind(
        lambda s: s.datetime,
        lambda s: [
            dt.datetime.min.replace(tzinfo=dt.timezone.utc),
            dt.datetime.max.replace(tzinfo=dt.timezone.utc),
            dt.datetime(1969, 12, 31, tzinfo=dt.timezone(dt.timedelta(hours=-23))),
        ],
    ),
}


def kinds_of(shape: Shape) -> list[str]:
    """The hostile kinds a parameter of this shape is fed."""
    return [name for name, kind in KINDS.items() if kind.applies(shape)]


def strategy(shape: Shape, kind: str) -> st.SearchStrategy[Any]:
    """The values of ``kind`` a parameter of this shape is fed."""
    return KINDS[kind].strategy(shape)


def examples(shape: Shape, kind: str) -> list[Any]:
    """The fixed examples of ``kind`` for a parameter of this shape."""
    return KINDS[kind].examples(shape)


# ---- names ---------------------------------------------------------------------------------

#: The words an error may name a parameter by, besides its own name (and its singular): the
#: thing a name picks ("no paginator 'x'").
NAMED_AS: dict[tuple[str, str], tuple[str, ...]] = {
    ("*.get_paginator", "name"): ("paginator",),
    ("*.get_waiter", "name"): ("waiter",),
    ("BaseClient.operation_spec", "method"): ("operation",),
    ("ServiceClients.client", "name"): ("service",),
    ("Stubber.add_response", "method"): ("operation",),
    ("Stubber.add_client_error", "method"): ("operation",),
}


def names_for(param: Param) -> tuple[str, ...]:
    """The words an error refusing ``param`` may name it by."""
    owner = param.entry.key.split(".", 1)[-1]
    extra = NAMED_AS.get((param.entry.key, param.name), ()) + NAMED_AS.get(
        (f"*.{owner}", param.name), ()
    )
    singular = param.name[:-1] if param.name.endswith("s") else param.name
    return (param.name, singular, *extra)


def unused() -> list[str]:
    """Entries of `EXCLUDED` and `NAMED_AS` that match nothing on the surface any more."""
    keys = {entry.key for entry in surface()}
    classes = {obj.__name__ for obj in roots() if inspect.isclass(obj)}
    bases = {
        klass.__name__
        for obj in roots()
        if inspect.isclass(obj)
        for klass in obj.__mro__
        if klass.__module__.startswith("aws_mlops_async")
    }
    stale = [
        key
        for key in EXCLUDED
        if key not in keys and key not in classes and key.removesuffix("()") not in bases
    ]
    for key, _ in NAMED_AS:
        if key.startswith("*."):
            if not any(k.endswith(key[1:]) for k in keys):
                stale.append(key)
        elif key not in keys:
            stale.append(key)
    return stale
