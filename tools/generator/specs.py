"""Writing a service's operation bindings (operations.py) and modeled errors (errors.py)."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from typing import Any

from .code import Module
from .naming import LINE, constant_name, docstring, first_sentence, python_name
from .shapes import ERRORS_MODULE, Member, ServiceShapes, Side
from .waiter_errors import (
    check_corrections_used,
    check_error_matchers,
    check_path_matchers,
    modeled_codes,
)

__all__ = ["Waiter", "errors_module", "operations_module", "waiters"]


def catalog_name(shapes: ServiceShapes) -> str:
    """The class listing a service's modeled errors (``BatchExceptions``)."""
    return shapes.data.service.client.removesuffix("Client") + "Exceptions"


def base_error(shapes: ServiceShapes) -> str:
    """A service's base error class (``BatchError``)."""
    return shapes.data.service.client.removesuffix("Client") + "Error"


def errors_module(shapes: ServiceShapes, origin: str) -> Module:
    """errors.py: a class per modeled error under the service's base error, and the catalog."""
    title = shapes.data.service.title
    module = Module(docstring(f"{title} modeled errors.\n\n{origin}"))
    errors = shapes.errors
    base, catalog = base_error(shapes), catalog_name(shapes)
    service_error = module.use("aws_mlops_async.errors", "ServiceError")
    error_catalog = module.use("aws_mlops_async.errors", "ErrorCatalog")
    class_var = module.use("typing", "ClassVar")
    exported = sorted([base, catalog, *errors])
    module.add("__all__ = [\n" + "".join(f'    "{name}",\n' for name in exported) + "]")
    package = f"{shapes.data.package}._models.{ERRORS_MODULE}"
    module.add(
        f'class {base}({service_error}):\n    """An error {title} returned."""\n\n'
        f'    members_module: {class_var}[str] = "{package}"'
    )
    for name in errors:
        doc = first_sentence(shapes.shapes[name].get("documentation")) or f"{name}."
        lines = [f"class {name}({base}):", docstring(doc, "    "), ""]
        members = shapes.class_name(name, "response")
        lines.append(f'    members_model: {class_var}[str | None] = "{members}"')
        bound = [m for m in shapes.members(name) if m.location == "header"]
        headers = {m.location_name or m.wire: m.wire for m in bound}
        if headers:
            lines.append(f"    members_headers: {class_var}[dict[str, str]] = {headers!r}")
        module.add("\n".join(lines))
    lines = [
        f"class {catalog}({error_catalog}):",
        f'    """{title}\'s modeled errors, as `client.exceptions`."""',
        "",
        f"    base: {class_var}[type[{service_error}]] = {base}",
        *[f"    {name} = {name}" for name in errors],
    ]
    module.add("\n".join(lines))
    return module


@dataclass(frozen=True)
class Waiter:
    """A waiter of the service: its model (waiters-2.json form, corrected as the registry
    says) under its name."""

    name: str
    config: dict[str, Any]
    #: Why an acceptor differs from the published waiter, by its index in the acceptors.
    notes: dict[int, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """The name ``get_waiter`` takes (``service_job_finished``)."""
        return python_name(self.name)

    @property
    def constant(self) -> str:
        return constant_name(self.name)


def waiters(shapes: ServiceShapes) -> list[Waiter]:
    """The model's waiters on the registry's operations, then the registry's own, each error
    matcher checked against the model's error codes and corrected as the registry says
    (`waiter_errors`)."""
    service = shapes.data.service
    configs = [
        (name, config)
        for name, config in sorted(shapes.data.waiters.items())
        if config["operation"] in shapes.operations()
    ]
    configs += sorted(service.waiters.items())
    codes = modeled_codes(shapes.shapes)
    found, used = [], []
    for name, config in configs:
        operation = shapes.data.model["operations"].get(config.get("operation"), {})
        output = operation.get("output", {}).get("shape")
        check_path_matchers(service.name, name, config, shapes.operations(), shapes.shapes, output)
        checked = check_error_matchers(service, name, config["acceptors"], codes)
        used += [entry.corrected for entry in checked]
        acceptors = [entry.acceptor for entry in checked]
        notes = {index: entry.note for index, entry in enumerate(checked) if entry.note}
        found.append(Waiter(name, {**config, "acceptors": acceptors}, notes))
    check_corrections_used(service, used)
    return found


def acceptor_code(module: Module, acceptor: dict[str, Any]) -> str:
    """An `Acceptor` for a waiters-2.json acceptor."""
    acceptor_class = module.use("aws_mlops_async.waiters", "Acceptor")
    state, matcher, expected = acceptor["state"], acceptor["matcher"], acceptor["expected"]
    if matcher == "path":
        path = ".".join(python_name(step) for step in acceptor["argument"].split("."))
        return f'{acceptor_class}("{state}", {{{expected!r}}}, path="{path}")'
    if matcher == "error":
        return f'{acceptor_class}("{state}", {{{expected!r}}})'
    raise ValueError(f"acceptor matcher {matcher!r} is not supported: {acceptor}")


def operations_module(shapes: ServiceShapes, origin: str) -> Module:
    """operations.py: the service, each operation's HTTP binding and models (by name: they
    load on first use), each paginator's fields, each waiter's acceptors."""
    data = shapes.data
    metadata = data.metadata
    module = Module(docstring(f"{data.service.title} operation bindings.\n\n{origin}"))
    service_description = module.use("aws_mlops_async.protocol.spec", "ServiceDescription")
    operation_spec = module.use("aws_mlops_async.protocol.spec", "OperationSpec")
    module.use_for_typing(".", "models")
    catalog = module.use(".errors", catalog_name(shapes))
    constants = ["SERVICE"]
    lines = [
        f"SERVICE = {service_description}(",
        f'    name="{data.service.name}",',
        f'    service_id="{metadata["serviceId"]}",',
        f'    api_version="{metadata["apiVersion"]}",',
        f'    protocol="{metadata["protocol"]}",',
        f'    signing_name="{metadata.get("signingName", metadata["endpointPrefix"])}",',
        f"    errors={catalog},",
        f'    models="{data.package}._models",',
    ]
    if "targetPrefix" in metadata:
        lines.append(f'    target_prefix="{metadata["targetPrefix"]}",')
    module.add("\n".join([*lines, ")"]))
    operation_constants = [constant_name(operation) for operation in shapes.operations()]
    for operation, constant in zip(shapes.operations(), operation_constants, strict=True):
        module.add(_operation_spec(shapes, module, operation, constant, operation_spec))
    constants += [*operation_constants, "OPERATIONS"]
    any_ = module.use("typing", "Any")
    module.add(
        f"OPERATIONS: tuple[{operation_spec}[{any_}, {any_}], ...] = (\n"
        + "".join(f"    {constant},\n" for constant in operation_constants)
        + ")\n"
        + f'"""Every operation of {data.service.title} this library binds."""'
    )
    for operation in shapes.operations():
        if operation in data.paginators:
            constant = f"{constant_name(operation)}_PAGES"
            constants.append(constant)
            module.add(_paginator_spec(module, operation, data.paginators[operation], constant))
    for waiter in waiters(shapes):
        constants.append(waiter.constant)
        module.add(_waiter_spec(module, waiter))
    module.parts.insert(
        0, "__all__ = [\n" + "".join(f'    "{c}",\n' for c in sorted(constants)) + "]"
    )
    return module


def _operation_spec(
    shapes: ServiceShapes, module: Module, operation: str, constant: str, spec_class: str
) -> str:
    spec = shapes.data.operation(operation)
    http = spec["http"]
    request, response = spec["input"]["shape"], spec["output"]["shape"]
    lines = [
        f"{constant}: {spec_class}[models.{request}, models.{response}] = {spec_class}(",
        "    service=SERVICE,",
        f'    name="{operation}",',
        f'    method="{python_name(operation)}",',
        f'    http_method="{http["method"]}",',
        f'    uri="{http["requestUri"]}",',
        f'    input_name="{_where(shapes, request, "request")}",',
        f'    output_name="{_where(shapes, response, "response")}",',
    ]
    if http.get("responseCode", 200) != 200:
        lines.append(f"    success_status={http['responseCode']},")
    lines += [f"    {name}={value}," for name, value in _input_bindings(shapes, request)]
    host_prefix = spec.get("endpoint", {}).get("hostPrefix")
    if host_prefix is not None:
        for member in shapes.members(request):
            host_prefix = host_prefix.replace(f"{{{member.wire}}}", f"{{{member.name}}}")
        lines.append(f"    host_prefix={json.dumps(host_prefix)},")
    lines += [f"    {name}={value}," for name, value in _output_bindings(shapes, response)]
    token = next((m.name for m in shapes.members(request) if m.token), None)
    if token:
        lines.append(f'    idempotency_token="{token}",')
    preparation = shapes.data.service.preparations.get(operation)
    if preparation is not None:
        lines.append(f'    prepare_with="{preparation}",')
    lines.append(")")
    return "\n".join(lines)


def _input_bindings(shapes: ServiceShapes, request: str) -> list[tuple[str, str]]:
    """The `OperationSpec` arguments binding the request's members outside the JSON body,
    as code."""
    places = {"uri": "path_params", "querystring": "query_params", "header": "header_params"}
    places["headers"] = "prefix_headers"
    bound: dict[str, dict[str, str]] = {argument: {} for argument in places.values()}
    formats: dict[str, str] = {}
    for member in shapes.members(request):
        if member.location is None:
            continue
        bound[places[member.location]][member.location_name or member.wire] = member.name
        time_format = _timestamp_format(shapes, member)
        if time_format is not None:
            formats[member.name] = time_format
        if member.json_header:
            formats[member.name] = "jsonvalue"
    arguments = [(name, json.dumps(value)) for name, value in bound.items() if value]
    payload = shapes.shapes[request].get("payload")
    if payload is not None:
        arguments.append(("payload", f'"{python_name(payload)}"'))
        if _is_raw(shapes, request, payload):
            arguments.append(("raw_payload", "True"))
    if formats:
        arguments.append(("formats", json.dumps(formats)))
    return arguments


def _output_bindings(shapes: ServiceShapes, response: str) -> list[tuple[str, str]]:
    """The `OperationSpec` arguments saying where response members come from other than the
    JSON body, as code."""
    headers: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    arguments = []
    for member in shapes.members(response):
        if member.location == "header":
            headers[member.location_name or member.wire] = member.name
        elif member.location == "headers":
            prefixes[member.location_name or ""] = member.name
        elif member.location == "statusCode":
            arguments.append(("output_status", f'"{member.name}"'))
    if headers:
        arguments.insert(0, ("output_headers", json.dumps(headers)))
    if prefixes:
        arguments.append(("output_prefix_headers", json.dumps(prefixes)))
    payload = shapes.shapes[response].get("payload")
    if payload is not None:
        arguments.append(("output_payload", f'"{python_name(payload)}"'))
        if _is_raw(shapes, response, payload):
            arguments.append(("output_raw_payload", "True"))
    return arguments


def _timestamp_format(shapes: ServiceShapes, member: Member) -> str | None:
    """The format a bound timestamp member (or each of a list of them) names, if any."""
    shape = shapes.shapes[member.shape]
    if shape["type"] == "list":
        shape = shapes.shapes[shape["member"]["shape"]]
        return None if shape["type"] != "timestamp" else shape.get("timestampFormat")
    if shape["type"] != "timestamp":
        return None
    found: str | None = member.timestamp_format or shape.get("timestampFormat")
    return found


def _is_raw(shapes: ServiceShapes, structure: str, payload: str) -> bool:
    """Whether a payload member is the body as it is (bytes or text), not JSON."""
    target = shapes.shapes[structure]["members"][payload]["shape"]
    return bool(shapes.shapes[target]["type"] in ("blob", "string"))


def _where(shapes: ServiceShapes, structure: str, side: Side) -> str:
    """``module.Class`` of a structure's model in the service's models package."""
    name = shapes.class_name(structure, side)
    return f"{shapes.homes[name]}.{name}"


def _paginator_spec(module: Module, operation: str, config: dict[str, Any], constant: str) -> str:
    paginator_spec = module.use("aws_mlops_async.pagination", "PaginatorSpec")
    for key in ("input_token", "output_token"):
        if not isinstance(config[key], str):
            raise ValueError(f"{operation}: only single {key}s are supported: {config}")
    result_key, *more_result_keys = result_keys(config)
    lines = [
        f"{constant} = {paginator_spec}(",
        f"    operation={constant_name(operation)},",
        f'    input_token="{python_name(config["input_token"])}",',
        f'    output_token="{python_name(config["output_token"])}",',
        f'    result_key="{python_name(result_key)}",',
    ]
    if "limit_key" in config:
        lines.append(f'    limit_key="{python_name(config["limit_key"])}",')
    if more_result_keys:
        more = "".join(f'"{python_name(key)}", ' for key in more_result_keys)
        lines.append(f"    more_result_keys=({more.rstrip(' ')}),")
    if config.get("last_page_has_previous_token"):
        lines.append("    last_page_has_previous_token=True,")
    lines.append(")")
    return "\n".join(lines)


def result_keys(config: dict[str, Any]) -> list[str]:
    """A paginator's result keys, the one its items are counted in first (botocore's order)."""
    keys = config["result_key"]
    listed = [keys] if isinstance(keys, str) else list(keys)
    if not listed or not all(isinstance(key, str) and "." not in key for key in listed):
        raise ValueError(f"only top-level result keys are supported: {config}")
    return listed


def _waiter_spec(module: Module, waiter: Waiter) -> str:
    waiter_spec = module.use("aws_mlops_async.waiters", "WaiterSpec")
    acceptors = ""
    for index, acceptor in enumerate(waiter.config["acceptors"]):
        if index in waiter.notes:
            comment = textwrap.wrap(waiter.notes[index], width=LINE - 10)
            acceptors += "".join(f"        # {line}\n" for line in comment)
        acceptors += f"        {acceptor_code(module, acceptor)},\n"
    return (
        f"{waiter.constant} = {waiter_spec}(\n"
        f'    name="{waiter.name}",\n'
        f"    delay={waiter.config['delay']},\n"
        f"    max_attempts={waiter.config['maxAttempts']},\n"
        f"    acceptors=(\n{acceptors}    ),\n"
        ")"
    )
