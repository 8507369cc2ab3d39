"""The bases of the request and response models, and the field types the services share.

Requests (`RequestModel`) are strict: each member takes exactly its modeled type (no "5" for
an int, no 1 for a bool, no bytes for a str), every constraint of the service model is checked
and an unknown field is an error. Responses (`ResponseModel`) are built for reading: no
request-only constraint, an enum value the model does not know kept as a plain string, an
unknown field ignored, timestamps read by pydantic-core; `parse_response` reads them by wire
name only. A structure used both ways has a class of each kind (``Xxx`` and ``XxxOutput``).

Sensitive members are kept in `SecretValue`s (pydantic `Secret`s that keep their value out of
``vars()``): `repr`, `str`, `model_dump()`,
`model_dump_json()` and pickles show them masked. Only the wire form (`wire_json`,
`wire_dump`: wire names, timestamps as epoch seconds) reveals them.

The JSON form is the protocols': blobs in base64, NaN and the infinities as the strings
``"NaN"``, ``"Infinity"`` and ``"-Infinity"``, timestamps as their member's format says
(`Timestamp`, `IsoTimestamp`, `HttpDateTimestamp`). Responses read every form a service
sends: base64 blobs, those strings, timestamps in any of the three formats, and (for members
bound to headers) the headers' own spellings of lists and JSON values.
"""

from __future__ import annotations

import base64
import binascii
import copy
import email.utils
import functools
import json
import re
import types
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Literal,
    NamedTuple,
    TypeAlias,
    TypeVar,
    Union,
    get_args,
    get_origin,
)

import pydantic
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    NaiveDatetime,
    PlainSerializer,
    PlainValidator,
    Secret,
    SerializationInfo,
    Strict,
    StrictBytes,
    ValidationInfo,
    model_validator,
)
from pydantic._internal._model_construction import ModelMetaclass
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError
from typing_extensions import Self

from .errors import FieldProblem, ValidationError
from .metadata import METADATA_KEY, ResponseMetadata, metadata_of

__all__ = [
    "REVEAL_ON_WIRE",
    "AwsModel",
    "Blob",
    "HeaderDates",
    "HeaderJson",
    "HeaderList",
    "HttpDateTimestamp",
    "IsoTimestamp",
    "OpenEnum",
    "RequestModel",
    "RequestUnion",
    "ResponseBlob",
    "ResponseModel",
    "ResponseTimestamp",
    "SecretMap",
    "SecretText",
    "SecretValue",
    "Sensitive",
    "Timestamp",
    "TimestampFormat",
    "matching",
    "parse_fields",
    "parse_response",
    "sensitive_map",
    "timestamp_text",
    "to_validation_error",
    "unencodable_fields",
    "wire_dump",
    "wire_json",
    "wire_name",
    "wire_path",
]

ModelT = TypeVar("ModelT", bound=BaseModel)

_MASK = "**********"


class AwsModel(BaseModel):
    """Base of every request, response and structure model.

    Fields take their Python name or their wire name; nested structures take a model or a
    plain dict. The JSON form is by wire name.
    """

    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        ser_json_inf_nan="strings",  # "NaN", "Infinity", "-Infinity", as the protocols spell them
        defer_build=True,
        hide_input_in_errors=True,
        loc_by_alias=False,  # an error's path names fields in Python, whatever was given
        protected_namespaces=(),
    )

    def __getstate__(self) -> dict[Any, Any]:
        # A pickle leaves the process: sensitive values go in it masked, as in a repr.
        # Response metadata is not part of the model: it stays behind.
        state = super().__getstate__()
        state["__dict__"] = {
            key: _masked(value) for key, value in state["__dict__"].items() if key != METADATA_KEY
        }
        return state


class _LibraryErrors:
    """Where a request model validates, turns pydantic's ValidationError into the library's
    (``with LIBRARY_ERRORS: ...``): one stateless piece for the constructor and every
    ``model_validate*``, the model named by the error's own title."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        if isinstance(error, pydantic.ValidationError):
            raise to_validation_error(error.title, error) from None


_LIBRARY_ERRORS = _LibraryErrors()


if TYPE_CHECKING:  # type checkers see pydantic's own: each model's constructor as it gives it
    _RequestModelMeta = ModelMetaclass
else:

    class _RequestModelMeta(ModelMetaclass):
        """Makes a request model's constructor raise the library's `ValidationError`
        (validation itself never calls the class, so the dict path pays nothing for it)."""

        def __call__(cls, *args, **kwargs):
            with _LIBRARY_ERRORS:
                return super().__call__(*args, **kwargs)


class RequestModel(AwsModel, metaclass=_RequestModelMeta):
    """Base of the models a request is built from: strict, every constraint checked.

    A model is validated again wherever it is given (a request, or a structure nested in
    one), so what was changed after it was made (an attribute set, ``model_copy(update=)``)
    is checked as a dict would be. A nested structure takes its own model or a mapping of its
    fields; a model of another class is refused (to send what a describe call returned, pass
    ``response.model_dump()``'s part).

    However a model is made (the constructor, ``model_validate``, ``model_validate_json``,
    ``model_validate_strings``), an invalid one raises `aws_mlops_async.ValidationError`.
    """

    model_config = ConfigDict(extra="forbid", revalidate_instances="always")

    @classmethod
    def model_validate(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: Literal["allow", "ignore", "forbid"] | None = None,
        from_attributes: bool | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """The model of ``obj`` (fields by Python or wire name)."""
        with _LIBRARY_ERRORS:
            return super().model_validate(
                obj,
                strict=strict,
                extra=extra,
                from_attributes=from_attributes,
                context=context,
                by_alias=by_alias,
                by_name=by_name,
            )

    @classmethod
    def model_validate_json(
        cls,
        json_data: str | bytes | bytearray,
        *,
        strict: bool | None = None,
        extra: Literal["allow", "ignore", "forbid"] | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """The model of a JSON text (a payload kept in a file), fields by Python or wire name."""
        with _LIBRARY_ERRORS:
            return super().model_validate_json(
                json_data,
                strict=strict,
                extra=extra,
                context=context,
                by_alias=by_alias,
                by_name=by_name,
            )

    @classmethod
    def model_validate_strings(
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        extra: Literal["allow", "ignore", "forbid"] | None = None,
        context: Any | None = None,
        by_alias: bool | None = None,
        by_name: bool | None = None,
    ) -> Self:
        """The model of nested mappings of strings, read as JSON's values would be."""
        with _LIBRARY_ERRORS:
            return super().model_validate_strings(
                obj, strict=strict, extra=extra, context=context, by_alias=by_alias, by_name=by_name
            )

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, with the members in ``update`` (by Python or wire name) changed; they are
        validated when the copy is sent, and a sensitive one is masked from the start."""
        if update:
            update = _entering(type(self), update)
        return super().model_copy(update=update, deep=deep)

    def __setattr__(self, name: str, value: Any) -> None:
        # A sensitive member set after the model was made is masked as the constructor's is.
        seal = _entry_rules(type(self)).seals.get(name)
        super().__setattr__(name, value if seal is None else seal(value))


class _EntryRules(NamedTuple):
    """How a request model takes a member set after it was made, worked out once a class."""

    names: dict[str, str]
    """Each member's Python name, by its wire name."""
    seals: dict[str, Callable[[Any], Any]]
    """For each member holding a sensitive value: what puts a plain value in `SecretValue`s."""


@functools.cache
def _entry_rules(model: type[RequestModel]) -> _EntryRules:
    names: dict[str, str] = {}
    seals: dict[str, Callable[[Any], Any]] = {}
    for name, info in model.model_fields.items():
        if isinstance(info.validation_alias, str):
            names[info.validation_alias] = name
        seal = _sealer(info.annotation)
        if seal is not None:
            seals[name] = seal
    return _EntryRules(names, seals)


def _entering(model: type[RequestModel], update: Mapping[str, Any]) -> dict[str, Any]:
    """``model_copy``'s update by Python names, sensitive values sealed."""
    rules = _entry_rules(model)
    entered: dict[str, Any] = {}
    for key, value in update.items():
        name = rules.names.get(key, key)
        seal = rules.seals.get(name)
        entered[name] = value if seal is None else seal(value)
    return entered


def _sealer(annotation: Any) -> Callable[[Any], Any] | None:
    """What puts the sensitive parts of a value of this type in `SecretValue`s, as validation
    would (leaving the checks to validation); None for a type without any."""
    origin, arguments = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _sealer(arguments[0])
    if isinstance(origin or annotation, type) and issubclass(origin or annotation, Secret):
        return _seal
    if origin is list:
        item = _sealer(arguments[0])
        return None if item is None else functools.partial(_seal_items, item)
    if origin is dict:
        entry = _sealer(arguments[1])
        return None if entry is None else functools.partial(_seal_entries, entry)
    if origin is Union or origin is types.UnionType:
        return next(filter(None, map(_sealer, arguments)), None)
    return None  # a plain value, or a nested model (which seals its own members)


def _seal(value: Any) -> Any:
    return value if value is None or isinstance(value, Secret) else SecretValue(value)


def _seal_items(seal: Callable[[Any], Any], value: Any) -> Any:
    return [seal(item) for item in value] if isinstance(value, list) else value


def _seal_entries(seal: Callable[[Any], Any], value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    return {key: seal(item) for key, item in value.items()}


class RequestUnion(RequestModel):
    """Base of the request models of unions: exactly one member set, as botocore requires."""

    @model_validator(mode="after")
    def _one_member_set(self) -> RequestUnion:
        count = sum(getattr(self, name) is not None for name in type(self).model_fields)
        if count != 1:
            raise ValueError(f"a union takes exactly one member, not {count}")
        return self


class ResponseModel(AwsModel):
    """Base of the models a response is read into: lenient, and fast to read."""

    model_config = ConfigDict(extra="ignore", val_temporal_unit="seconds")

    @property
    def response_metadata(self) -> ResponseMetadata:
        """The request id, HTTP status and headers, attempts and back-off time of the call
        that returned this model; AttributeError for a model not read from a response."""
        metadata = metadata_of(self)
        if metadata is None:
            raise AttributeError(
                f"this {type(self).__name__} was not read from a response: "
                "it has no response_metadata"
            )
        return metadata

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        # The response metadata does not change: the copy shares it, and copies the fields.
        kept = self.__dict__.pop(METADATA_KEY, None)
        try:
            copied = super().__deepcopy__(memo)
        finally:
            if kept is not None:
                self.__dict__[METADATA_KEY] = kept
        if kept is not None:
            copied.__dict__[METADATA_KEY] = kept
        return copied


# Building its first validator, pydantic searches the installed distributions for plugins
# (about 15 ms, once per process). Every model here defers its build to first use, so do that
# search now, while importing, as any module defining a pydantic model does; not in the
# program's first call.
pydantic.TypeAdapter(bool)


def _masked(value: Any) -> Any:
    if isinstance(value, Secret):
        return SecretValue(_MASK)
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    return value


def matching(pattern: str) -> AfterValidator:
    """A check that a whole string matches ``pattern`` by Python's ``re``, for the patterns
    pydantic-core's engine cannot run (look-around); failing as a pydantic pattern does."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise PydanticCustomError(
                "string_pattern_mismatch",
                "String should match pattern '{pattern}'",
                {"pattern": pattern},
            )
        return value

    return AfterValidator(check)


# ---- timestamps ------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


def _from_epoch_seconds(value: Any) -> Any:
    # A number is epoch seconds whatever its size, as botocore reads it; pydantic on its own
    # would take one past 2e10 (year 2603) for milliseconds.
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return value  # a datetime, or what strict validation then refuses
    try:
        return datetime.fromtimestamp(value, timezone.utc)
    except (OverflowError, OSError, ValueError):
        pass
    try:
        return _EPOCH + timedelta(seconds=value)
    except (OverflowError, ValueError):
        raise ValueError(f"{value!r} is not a time in epoch seconds") from None


def _epoch_seconds(value: datetime) -> int | float:
    # As botocore: whole seconds as an int, else seconds with the microseconds.
    moment = _utc(value)
    whole = int(moment.replace(microsecond=0).timestamp())
    return whole if moment.microsecond == 0 else (whole * 10**6 + moment.microsecond) / 10**6


def _iso8601(value: datetime) -> str:
    # As botocore: microseconds only when there are some.
    moment = _utc(value).astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")


def _http_date(value: datetime) -> str:
    # RFC 7231's IMF-fixdate, whole seconds.
    moment = _utc(value).astimezone(timezone.utc).replace(microsecond=0)
    return email.utils.format_datetime(moment, usegmt=True)


TimestampFormat = Literal["unixTimestamp", "iso8601", "rfc822"]
"""The timestamp formats of the service models (``timestampFormat``)."""

_TIMESTAMP_WRITERS = {"unixTimestamp": _epoch_seconds, "iso8601": _iso8601, "rfc822": _http_date}


def timestamp_text(value: datetime, timestamp_format: TimestampFormat) -> str:
    """A timestamp as text in one of the models' formats, as botocore writes it (epoch
    seconds with a fraction only when there is one; ISO 8601 in UTC, with microseconds only
    when there are some; an HTTP date in whole seconds)."""
    return str(_TIMESTAMP_WRITERS[timestamp_format](value))


_RequestTime = Annotated[
    datetime,
    Strict(),  # a datetime or epoch seconds, never text
    pydantic.BeforeValidator(_from_epoch_seconds),
    pydantic.AfterValidator(_utc),
]

_AS_EPOCH_SECONDS = PlainSerializer(_epoch_seconds, when_used="json")

Timestamp = Annotated[_RequestTime, _AS_EPOCH_SECONDS]
"""A request's timestamp: a datetime (naive is taken as UTC) or epoch seconds; epoch seconds
on the wire."""

IsoTimestamp = Annotated[_RequestTime, PlainSerializer(_iso8601, when_used="json")]
"""A request's timestamp written in ISO 8601 (``2019-12-16T23:48:18Z``) on the wire."""

HttpDateTimestamp = Annotated[_RequestTime, PlainSerializer(_http_date, when_used="json")]
"""A request's timestamp written as an HTTP date (``Mon, 16 Dec 2019 23:48:18 GMT``)."""

# Try a union's members in order and take the first that fits: a response's value is nearly
# always the first member, so pydantic-core tries nothing else (its default, "smart" mode,
# tries every member in strict then lax mode, which costs a quarter of reading a page).
_FIRST_THAT_FITS = Field(union_mode="left_to_right")


def _from_http_date(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            pass
    return value  # what AwareDatetime then refuses


ResponseTimestamp = Annotated[
    AwareDatetime
    | Annotated[NaiveDatetime, pydantic.AfterValidator(_utc)]
    | Annotated[AwareDatetime, BeforeValidator(_from_http_date)],
    _FIRST_THAT_FITS,
    _AS_EPOCH_SECONDS,
]
"""A response's timestamp, read by pydantic-core from epoch seconds (any size, with or without
a fraction, as a number or as text) or ISO-8601, or else as an HTTP date; always
timezone-aware (UTC when the text names no zone)."""

EnumT = TypeVar("EnumT")

OpenEnum = Annotated[EnumT | str, _FIRST_THAT_FITS]
"""A response's enumeration (``OpenEnum[ServiceJobStatus]``): one of the modeled values, or a
str the model does not know yet, as AWS adds values."""


# ---- blobs -----------------------------------------------------------------------------


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _from_base64(value: Any) -> Any:
    # Text is a JSON body's base64; bytes (a whole body, as a payload member) stay as sent.
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("not base64") from None
    return value


Blob = Annotated[StrictBytes, PlainSerializer(_base64, when_used="json")]
"""A request's binary value: bytes, in base64 on the wire."""

ResponseBlob = Annotated[bytes, BeforeValidator(_from_base64)]
"""A response's binary value, read from base64 (or from the whole body, as it came)."""


# ---- members bound to headers ----------------------------------------------------------

ItemT = TypeVar("ItemT")


def _header_items(value: Any) -> Any:
    """A header's list: items between commas, each stripped, a quoted one unquoted (and its
    ``\\"`` and ``\\\\`` unescaped), as Smithy's HTTP bindings write them."""
    if not isinstance(value, str):
        return value
    items: list[str] = []
    index, length = 0, len(value)
    while index <= length:
        while index < length and value[index] in " \t":
            index += 1
        if index < length and value[index] == '"':
            text, index = _quoted(value, index + 1)
            end = value.find(",", index)
            index = length if end < 0 else end
        else:
            end = value.find(",", index)
            end = length if end < 0 else end
            text = value[index:end].strip()
            index = end
        items.append(text)
        index += 1
    return items


def _quoted(value: str, index: int) -> tuple[str, int]:
    text: list[str] = []
    while index < len(value) and value[index] != '"':
        if value[index] == "\\" and index + 1 < len(value):
            index += 1
        text.append(value[index])
        index += 1
    return "".join(text), index + 1


def _header_dates(value: Any) -> Any:
    """A header's list of HTTP dates, whose own commas pair them up: ``Mon, 16 Dec 2019
    23:48:18 GMT, Tue, ...``."""
    if not isinstance(value, str):
        return value
    parts = [part.strip() for part in value.split(",")]
    return [", ".join(parts[index : index + 2]) for index in range(0, len(parts), 2)]


def _header_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            raise ValueError("not a JSON value in base64") from None
    return value


HeaderList = Annotated[list[ItemT], BeforeValidator(_header_items)]
"""A response's list bound to a header: ``a, "b,c", d``."""

HeaderDates = Annotated[list[ResponseTimestamp], BeforeValidator(_header_dates)]
"""A response's list of timestamps bound to a header, as HTTP dates."""

HeaderJson = Annotated[JsonValue, BeforeValidator(_header_json)]
"""A response's JSON value bound to a header (``jsonvalue``): JSON text in base64."""


# ---- sensitive members -----------------------------------------------------------------

_WIRE = {"wire": True}  # the serialization context of the wire form

SecretT = TypeVar("SecretT")


class SecretValue(Secret[SecretT]):
    """A sensitive member's value: shown as ``**********`` by ``repr``, ``str``, logging, and
    by any walker reading ``vars()`` (FastAPI's ``jsonable_encoder``, ``dataclasses``-style
    dumpers), which find nothing; ``get_secret_value()`` gives it."""

    # The value lives in a slot, not in the instance's __dict__, so ``vars()`` shows nothing.
    __slots__ = ("_secret_value",)

    def __reduce__(self) -> tuple[Any, ...]:
        # A pickle leaves the process (a cache, a queue): masked, as a model's pickle is.
        return (type(self), (_MASK,))

    def __copy__(self) -> SecretValue[SecretT]:
        return type(self)(self.get_secret_value())

    def __deepcopy__(self, memo: dict[int, Any]) -> SecretValue[SecretT]:
        return type(self)(copy.deepcopy(self.get_secret_value(), memo))


if TYPE_CHECKING:
    Sensitive: TypeAlias = SecretValue[SecretT] | SecretT
else:
    Sensitive = SecretValue
"""A request's sensitive member (``Sensitive[str]``): a `SecretValue` at run time, whether
given as one or as its plain value, which validation (or setting the member) puts in one. A
type checker sees what the constructor takes: the plain value or the `SecretValue`."""


def _reveal(value: Secret[Any], info: SerializationInfo) -> Any:
    if info.mode != "json":
        return value  # model_dump(): the Secret itself, masked in its repr
    return value.get_secret_value() if info.context is _WIRE else _MASK


REVEAL_ON_WIRE = PlainSerializer(_reveal)
"""Serializes a `Secret` in clear in the wire form (`wire_json`, `wire_dump`), masked in any
other JSON form (``model_dump_json()``, a FastAPI response)."""


def sensitive_map(
    *, max_items: int | None = None, key_max: int | None = None, value_max: int | None = None
) -> PlainValidator:
    """Validator of a wholly sensitive map of strings, bounds checked when given.

    The map is kept in a `SecretValue`, so repr and logs show ``**********``; its validation
    errors never name a key or show a value.
    """

    def check(value: Any, info: ValidationInfo) -> SecretValue[dict[str, str]]:
        if isinstance(value, Secret):
            value = value.get_secret_value()
        if not isinstance(value, Mapping):
            raise PydanticCustomError("mapping_type", "Input should be a mapping of strings")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise PydanticCustomError("mapping_type", "Keys and values should be strings")
        _check_map_bounds(value, max_items, key_max, value_max)
        return SecretValue(dict(value))

    return PlainValidator(check)


def _check_map_bounds(
    value: Mapping[str, str], max_items: int | None, key_max: int | None, value_max: int | None
) -> None:
    if max_items is not None and len(value) > max_items:
        raise PydanticCustomError(
            "too_long",
            "Should have at most {max_items} entries, not {count}",
            {"max_items": max_items, "count": len(value)},
        )
    if key_max is not None and any(len(key) > key_max for key in value):
        raise PydanticCustomError(
            "string_too_long", "Keys should have at most {n} characters", {"n": key_max}
        )
    if value_max is not None and any(len(item) > value_max for item in value.values()):
        raise PydanticCustomError(
            "string_too_long", "Values should have at most {n} characters", {"n": value_max}
        )


SecretText = Annotated[SecretValue[str], REVEAL_ON_WIRE]
"""A response's sensitive string."""

SecretMap = Annotated[SecretValue[dict[str, str]], sensitive_map(), REVEAL_ON_WIRE]
"""A response's wholly sensitive map of strings."""


# ---- the wire form ---------------------------------------------------------------------


def wire_name(name: str, info: FieldInfo) -> str:
    """The name a model's field ``name`` has on the wire (its own when the same)."""
    return info.serialization_alias or name


def wire_json(model: BaseModel, *, exclude: set[str] | None = None) -> bytes:
    """The model as it goes on the wire: JSON by wire name, without unset members, sensitive
    values in clear."""
    return model.__pydantic_serializer__.to_json(
        model, by_alias=True, exclude_none=True, exclude=exclude, context=_WIRE
    )


def wire_dump(model: BaseModel, **options: Any) -> dict[str, Any]:
    """`wire_json`'s content as a dict (``model_dump(mode="json")`` options apply)."""
    options.setdefault("by_alias", True)
    options.setdefault("exclude_none", True)
    return model.model_dump(mode="json", context=_WIRE, **options)


def parse_response(model: type[ModelT], body: bytes) -> ModelT:
    """Read a response body into its model, by wire name (a member spelled as our Python name
    is one AWS does not send), leniently (see the module docstring)."""
    parsed: ModelT = model.__pydantic_validator__.validate_json(
        body or b"{}", strict=False, by_alias=True, by_name=False
    )
    return parsed


def parse_fields(model: type[ModelT], fields: Mapping[str, Any]) -> ModelT:
    """Read a response's members, gathered from its body, headers and status by wire name,
    into its model, as `parse_response` reads a body."""
    parsed: ModelT = model.__pydantic_validator__.validate_python(
        fields, strict=False, by_alias=True, by_name=False
    )
    return parsed


# ---- errors ----------------------------------------------------------------------------


def unencodable_fields(model: BaseModel) -> list[str]:
    """The paths of the model's strings that no UTF-8 body can carry (lone surrogates)."""
    found: list[str] = []
    for name in type(model).model_fields:
        _find_unencodable(getattr(model, name), name, found)
    return found


def _find_unencodable(value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, Secret):
        value = value.get_secret_value()
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            found.append(path)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _find_unencodable(getattr(value, name), f"{path}.{name}", found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_unencodable(item, f"{path}[{index}]", found)
    elif isinstance(value, dict):
        # Keys and values alike; the path names the map, never a key (it may be secret).
        for item in (*value.keys(), *value.values()):
            if path not in found:
                _find_unencodable(item, path, found)


def to_validation_error(
    operation_name: str | None, error: pydantic.ValidationError
) -> ValidationError:
    """Our ValidationError for a pydantic one: each field path and problem, never the input."""
    return ValidationError(
        operation_name,
        [
            FieldProblem(_dotted(detail["loc"]), detail["msg"])
            for detail in error.errors(include_url=False, include_input=False)
        ],
    )


def wire_path(model: type[BaseModel], location: Iterable[int | str]) -> str:
    """A validation error's location in ``model`` as a dotted path of wire names
    (``ResourceConfig.InstanceCount``), as AWS names members in its messages."""
    steps: list[int | str] = []
    current: type[BaseModel] | None = model
    for step in location:
        fields = current.model_fields if current is not None else {}
        if isinstance(step, str) and step in fields:
            steps.append(wire_name(step, fields[step]))
            current = _model_in(fields[step].annotation)
        else:
            steps.append(step)  # a list index or a map key: the same model's items or values
    return _dotted(steps)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation holds (itself, or in a list, a map or a union), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _model_in(argument)
        if found is not None:
            return found
    return None


def _dotted(location: Iterable[int | str]) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "(request)"
