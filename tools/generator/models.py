"""Writing a service's models: the private package ``_models`` of one module per operation (with
the structures it is the first to reach) and a module of named types, which a call imports
directly; and the public index ``models.py``, whose every name loads its module on first use.

The model modules evaluate their annotations as they run (no ``from __future__ import
annotations``): pydantic then reads each field's type as it is instead of evaluating its text,
which makes a service's first call cheaper. Classes come after the structures they hold, so
every name is defined when used (the services' shapes are not recursive).
"""

from __future__ import annotations

from .code import Module
from .naming import docstring, first_sentence
from .shapes import ERRORS_MODULE, MODELING, ServiceShapes, Side

__all__ = ["models_package"]


def models_package(shapes: ServiceShapes, origin: str) -> dict[str, Module]:
    """The modules of ``services/<name>/_models/`` by file stem (``__init__``, ``_types``,
    ``_submit_service_job``...), and the index ``models.py`` as ``index``."""
    title = shapes.data.service.title
    modules: dict[str, Module] = {}
    for stem, classes in shapes.modules.items():
        if stem == ERRORS_MODULE:
            about = f"{title} modeled errors' members, as `ServiceError.members` reads them."
        else:
            operation = shapes.module_operation[stem]
            about = (
                f"{title} models for {operation}: its request and response, and the "
                "structures it is the first operation to use."
            )
        module = Module(docstring(f"{about}\n\n{origin}"), postponed_annotations=False)
        for side, structure in classes:
            module.add(_structure_class(shapes, module, stem, side, structure))
        modules[stem] = module
    modules["_types"] = _types_module(shapes, origin)
    modules["__init__"] = Module(
        docstring(f"{title} models, one module per operation: import them from ``models``.")
    )
    modules["index"] = _index(shapes, origin)
    return modules


def _structure_class(
    shapes: ServiceShapes, module: Module, home: str, side: Side, structure: str
) -> str:
    name = shapes.class_name(structure, side)
    base = module.use(MODELING, "RequestModel" if side == "request" else "ResponseModel")
    lines = [f"class {name}({base}):", docstring(_class_doc(shapes, structure, side), "    ")]
    members = list(shapes.members(structure))
    if members:
        lines.append("")
    for member in members:
        annotation = shapes.field_type(module, home, member.shape, side, structure, member.wire)
        # A request's idempotency token is filled before sending when left out, as botocore
        # fills it; every response member may be missing from what AWS sends later.
        # Nor is an error's member required: its members are read from whatever error came.
        required = member.required and not (side == "request" and member.token)
        required = required and structure not in shapes.errors
        if not required:
            annotation += " | None"
        if member.name == member.wire:
            default = "" if required else " = None"
        else:
            field = module.use("pydantic", "Field")
            alias = f'alias="{member.wire}"'
            default = f" = {field}({alias})" if required else f" = {field}(default=None, {alias})"
        lines.append(f"    {member.name}: {annotation}{default}")
    return "\n".join(lines)


def _class_doc(shapes: ServiceShapes, structure: str, side: Side) -> str:
    if structure in shapes.errors:
        return f"The members of the {structure} error."
    for operation in shapes.operations():
        spec = shapes.data.operation(operation)
        if spec["input"]["shape"] == structure:
            return f"Input of {operation}: {first_sentence(spec.get('documentation'))}"
        if spec.get("output", {}).get("shape") == structure:
            return f"Output of {operation}."
    doc = first_sentence(shapes.shapes[structure].get("documentation")) or f"{structure}."
    if side == "response" and structure in shapes.requests:
        return f"{doc} (as a response reads it; {structure} is the request's)"
    return doc


def _types_module(shapes: ServiceShapes, origin: str) -> Module:
    module = Module(
        docstring(
            f"{shapes.data.service.title} named types: enumerations and constrained values."
            f"\n\n{origin}"
        ),
        postponed_annotations=False,
    )
    for name, (definition, doc, uses) in sorted(shapes.aliases.items()):
        for source, used in sorted(uses):
            module.use(source, used)
        module.add(f"{name} = {definition}" + (f"\n{docstring(doc)}" if doc else ""))
    return module


def _index(shapes: ServiceShapes, origin: str) -> Module:
    title = shapes.data.service.title
    module = Module(
        docstring(
            f"{title} request, response and structure models. Each name loads its module on "
            f"first use, so a call loads only the models it needs.\n\n{origin}"
        )
    )
    homes = {**shapes.homes, **dict.fromkeys(shapes.aliases, "_types")}
    for name, home in sorted(homes.items()):
        module.use_for_typing(f"._models.{home}", name)
    lazy_exports = module.use("aws_mlops_async._lazy", "lazy_exports")
    type_checking = module.use("typing", "TYPE_CHECKING")
    names = sorted(homes)
    module.add("__all__ = [\n" + "".join(f'    "{name}",\n' for name in names) + "]")
    module.add(
        "_HOMES: dict[str, str] = {\n"
        + "".join(f'    "{name}": "{homes[name]}",\n' for name in names)
        + "}"
    )
    package = f"{shapes.data.package}._models"
    module.add(
        f"if not {type_checking}:\n"
        f'    __getattr__, __dir__ = {lazy_exports}(__name__, _HOMES, package="{package}")'
    )
    return module
