"""Writing a service's client (client.py): a typed method per operation, a paginator class per
paginator, a waiter class per waiter, and the endpoint rules. The models it names are imported
for type checking only, so importing a client loads none of them."""

from __future__ import annotations

from .code import Module
from .endpoints import endpoint_rules
from .naming import constant_name, docstring, documented, first_sentence, python_name
from .shapes import LENIENT_SCALARS, Member, ServiceShapes
from .specs import Waiter, catalog_name, result_keys, waiters

__all__ = ["client_module"]

OPERATIONS = "operations"  # how client.py names its service's operations module


def client_module(shapes: ServiceShapes, origin: str) -> Module:
    """client.py of one service."""
    service = shapes.data.service
    module = Module(docstring(f"The {service.title} client: {service.summary}.\n\n{origin}"))
    module.use(".", OPERATIONS)
    paginated = [op for op in shapes.operations() if op in shapes.data.paginators]
    service_waiters = waiters(shapes)
    exported = [
        service.client,
        *(f"{op}Paginator" for op in paginated),
        *(f"{waiter.name}Waiter" for waiter in service_waiters),
    ]
    module.add("__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(exported)) + "]")
    module.add(_client_class(shapes, module, paginated, service_waiters))
    for operation in paginated:
        module.add(_paginator_class(shapes, module, operation))
    for waiter in service_waiters:
        module.add(_waiter_class(shapes, module, waiter))
    if len(paginated) > 1:
        paginator_base = module.use("aws_mlops_async.pagination", "Paginator")
        spec = module.use("aws_mlops_async.pagination", "PaginatorSpec")
        any_ = module.use("typing", "Any")
        entries = "".join(
            f'    "{python_name(op)}": ({op}Paginator, {OPERATIONS}.{constant_name(op)}_PAGES),\n'
            for op in paginated
        )
        module.add(
            f"_PAGINATORS: dict[str, tuple[type[{paginator_base}[{any_}, {any_}]], "
            f"{spec}[{any_}, {any_}]]] = {{\n{entries}}}"
        )
    if len(service_waiters) > 1:
        waiter_base = module.use("aws_mlops_async.waiters", "Waiter")
        any_ = module.use("typing", "Any")
        callable_ = module.use("collections.abc", "Callable")
        client = shapes.data.service.client
        entries = "".join(f'    "{w.method}": {w.name}Waiter,\n' for w in service_waiters)
        module.add(
            f"_WAITERS: dict[str, {callable_}[[{client}], {waiter_base}[{any_}]]] = {{\n{entries}}}"
        )
    return module


def _client_class(
    shapes: ServiceShapes, module: Module, paginated: list[str], service_waiters: list[Waiter]
) -> str:
    service = shapes.data.service
    base = module.use("aws_mlops_async.client", "BaseClient")
    class_var = module.use("typing", "ClassVar")
    catalog = module.use(".errors", catalog_name(shapes))
    rules = endpoint_rules(module, shapes.data).replace("\n", "\n    ")
    lines = [
        f"class {service.client}({base}):",
        docstring(
            f"Async client for {service.title}: {service.summary}; get it as "
            f"``session.{service.name}``.",
            "    ",
        ),
        "",
        f"    service = {OPERATIONS}.SERVICE",
        f"    operation_specs = {OPERATIONS}.OPERATIONS",
        f"    exceptions: {class_var}[type[{catalog}]] = {catalog}",
        f"    endpoint_rules = {rules}",
    ]
    for operation in shapes.operations():
        lines += ["", _method(shapes, module, operation)]
    paginators = [
        (python_name(op), f"{op}Paginator", f"{constant_name(op)}_PAGES") for op in paginated
    ]
    waiter_entries = [(w.method, f"{w.name}Waiter", "") for w in service_waiters]
    lines += ["", _getter(shapes, module, "paginator", paginators)]
    lines += ["", _getter(shapes, module, "waiter", waiter_entries)]
    return "\n".join(lines)


def _parameters(
    shapes: ServiceShapes, structure: str, skip: frozenset[str] = frozenset()
) -> list[Member]:
    """A method's parameters: the required members first, then the optional ones."""
    members = [m for m in shapes.members(structure) if m.wire not in skip]
    required = [m for m in members if m.required and not m.token]
    return required + [m for m in members if not (m.required and not m.token)]


def _signature(
    shapes: ServiceShapes, module: Module, members: list[Member], extra: list[str]
) -> str:
    params = ["self", "*"] if members or extra else ["self"]
    for member in members:
        annotation = shapes.member_parameter_type(module, member)
        if member.required and not member.token:
            params.append(f"{member.name}: {annotation}")
        else:
            params.append(f"{member.name}: {annotation} | None = None")
    params += extra
    return ", ".join(params)


def _method(shapes: ServiceShapes, module: Module, operation: str) -> str:
    spec = shapes.data.operation(operation)
    request, response = spec["input"]["shape"], spec["output"]["shape"]
    module.use_for_typing(".models", response)
    members = _parameters(shapes, request)
    fields: list[tuple[str, str]] = []
    for member in members:
        text = member.documentation
        constraints = shapes.constraints_text(member.shape, request, member.wire)
        constraints = constraints.replace("\\", "\\\\")  # a pattern's backslashes
        if member.token:
            constraints = "filled with a fresh UUID when left out, the same on every attempt"
        if constraints:
            constraints = constraints[0].upper() + constraints[1:] + "."
        fields.append((f"param {member.name}", " ".join(t for t in (text, constraints) if t)))
    fields.append(("returns", f"the ``{response}``."))
    for error in spec.get("errors", []):
        doc = first_sentence(shapes.shapes[error["shape"]].get("documentation"))
        fields.append((f"raises {error['shape']}", doc or "the service says so."))
    summary = first_sentence(spec.get("documentation")) or f"Call {operation}."
    required = [m for m in members if m.required and not m.token]
    optional = [m for m in members if m not in required]
    any_ = module.use("typing", "Any")
    body = [
        "request: dict[str, "
        + any_
        + "] = {"
        + ", ".join(f'"{m.name}": {m.name}' for m in required)
        + "}"
    ]
    for member in optional:
        body += [f"if {member.name} is not None:", f'    request["{member.name}"] = {member.name}']
    body.append(f"return await self.invoke({OPERATIONS}.{constant_name(operation)}, request)")
    signature = _signature(shapes, module, members, [])
    return "\n".join(
        [
            f"    async def {python_name(operation)}({signature}) -> {response}:",
            documented(summary, fields, "        "),
            *(f"        {line}" for line in body),
        ]
    )


def _getter(
    shapes: ServiceShapes, module: Module, kind: str, entries: list[tuple[str, str, str]]
) -> str:
    """``get_paginator`` or ``get_waiter``: typed by overloads, refusing unknown names."""
    title = shapes.data.service.title
    if not entries:
        no_return = module.use("typing", "NoReturn")
        unknown_name = module.use("aws_mlops_async.arguments", "unknown_name")
        return "\n".join(
            [
                f"    def get_{kind}(self, name: str) -> {no_return}:",
                f'        """{title} has no {kind}s: a ConfigurationError."""',
                f'        raise {unknown_name}("name", name, (), "{title} has no {kind}")',
            ]
        )
    known_name = module.use("aws_mlops_async.arguments", "known_name")
    names = ", ".join(f"``{name}``" for name, _, _ in entries)
    doc = docstring(f"The {kind} called ``name``: {names}.", "        ")
    literal = module.use("typing", "Literal")
    if len(entries) == 1:
        [(name, class_name, spec)] = entries
        argument = f"self, {OPERATIONS}.{spec}" if spec else "self"
        return "\n".join(
            [
                f'    def get_{kind}(self, name: {literal}["{name}"]) -> {class_name}:',
                doc,
                f'        {known_name}("name", name, ("{name}",), "{title} has no {kind}")',
                f"        return {class_name}({argument})",
            ]
        )
    overload = module.use("typing", "overload")
    any_ = module.use("typing", "Any")
    base = module.use(
        "aws_mlops_async.pagination" if kind == "paginator" else "aws_mlops_async.waiters",
        "Paginator" if kind == "paginator" else "Waiter",
    )
    returned = f"{base}[{any_}, {any_}]" if kind == "paginator" else f"{base}[{any_}]"
    lines = []
    for name, class_name, _ in entries:
        lines += [
            f"    @{overload}",
            f'    def get_{kind}(self, name: {literal}["{name}"]) -> {class_name}: ...',
        ]
    table = "_PAGINATORS" if kind == "paginator" else "_WAITERS"
    lines += [
        f"    def get_{kind}(self, name: str) -> {returned}:",
        doc,
        f'        found = {table}[{known_name}("name", name, {table}, "{title} has no {kind}")]',
    ]
    if kind == "paginator":
        lines.append("        return found[0](self, found[1])")
    else:
        lines.append("        return found(self)")
    return "\n".join(lines)


def _item_type(shapes: ServiceShapes, module: Module, response: str, result_key: str) -> str:
    """The type of the items a paginator yields: the class of a structure, else the scalar."""
    listing = shapes.shapes[response]["members"][result_key]["shape"]
    item = shapes.shapes[listing]["member"]["shape"]
    if shapes.shapes[item]["type"] == "structure":
        return module.use_for_typing(".models", shapes.class_name(item, "response"))
    return LENIENT_SCALARS.get(shapes.shapes[item]["type"], "str")


def _paginator_class(shapes: ServiceShapes, module: Module, operation: str) -> str:
    spec = shapes.data.operation(operation)
    config = shapes.data.paginators[operation]
    request, response = spec["input"]["shape"], spec["output"]["shape"]
    module.use_for_typing(".models", response)
    result_key = result_keys(config)[0]
    item = _item_type(shapes, module, response, result_key)
    paginator = module.use("aws_mlops_async.pagination", "Paginator")
    page_iterator = module.use("aws_mlops_async.pagination", "PageIterator")
    pagination_config = module.use("aws_mlops_async.pagination", "PaginationConfig")
    skip = frozenset({config["input_token"], config.get("limit_key", "")})
    members = _parameters(shapes, request, skip)
    signature = _signature(
        shapes, module, members, [f"pagination_config: {pagination_config} | None = None"]
    )
    fields = ", ".join(f'"{m.name}": {m.name}' for m in members)
    summary = first_sentence(spec.get("documentation"))
    return "\n".join(
        [
            f'class {operation}Paginator({paginator}["{response}", "{item}"]):',
            docstring(f"Pages through {operation}: {summary}", "    "),
            "",
            f"    def paginate({signature}) -> {page_iterator}[{response}, {item}]:",
            docstring(
                f"The pages of {operation}, fetched as they are read; ``.items()`` yields each "
                f"item of ``{python_name(result_key)}``.",
                "        ",
            ),
            f"        return self._paginate({{{fields}}}, pagination_config)",
        ]
    )


def _waiter_class(shapes: ServiceShapes, module: Module, waiter: Waiter) -> str:
    config = waiter.config
    operation = config["operation"]
    spec = shapes.data.operation(operation)
    request, response = spec["input"]["shape"], spec["output"]["shape"]
    module.use_for_typing(".models", response)
    base = module.use("aws_mlops_async.waiters", "Waiter")
    members = _parameters(shapes, request)
    signature = _signature(
        shapes, module, members, ["delay: float | None = None", "max_attempts: int | None = None"]
    )
    successes = [a for a in config["acceptors"] if a["state"] == "success"]
    failures = [a for a in config["acceptors"] if a["state"] == "failure"]
    by_error = any(a["matcher"] == "error" for a in successes)
    returned = f"{response} | None" if by_error else response
    call = ", ".join(f"{m.name}={m.name}" for m in members)
    summary = (
        f"Waits until {operation} answers {_states(successes)}; {_states(failures) or 'nothing'}"
        " ends the wait with a WaiterError."
    )
    poll = (
        f"Poll {operation} every {config['delay']} s, at most {config['maxAttempts']} times "
        "(or as ``delay`` and ``max_attempts`` say)"
    )
    result = "; None, the resource being gone" if by_error else "; the final response"
    method = "_wait" if by_error else "_wait_for_state"
    client = shapes.data.service.client
    return "\n".join(
        [
            f'class {waiter.name}Waiter({base}["{response}"]):',
            docstring(summary, "    "),
            "",
            f"    def __init__(self, client: {client}) -> None:",
            f"        super().__init__({OPERATIONS}.{waiter.constant})",
            "        self._client = client",
            "",
            f"    async def wait({signature}) -> {returned}:",
            docstring(poll + result + ".", "        "),
            f"        return await self.{method}(",
            f"            lambda: self._client.{python_name(operation)}({call}),",
            "            delay,",
            "            max_attempts,",
            "        )",
        ]
    )


def _states(acceptors: list[dict[str, str]]) -> str:
    words = []
    for acceptor in acceptors:
        if acceptor["matcher"] == "error":
            words.append(f"the error {acceptor['expected']}")
        else:
            words.append(f"{acceptor['argument']} {acceptor['expected']}")
    return " or ".join(words)
