"""Writing a service's models: the private package ``_models`` of one module per operation (with
the structures it is the first to reach) and a module of named types, which a call imports
directly; and the public index ``models.py``, whose every name loads its module on first use.

The model modules evaluate their annotations as they run (no ``from __future__ import
annotations``): pydantic then reads each field's type as it is instead of evaluating its text,
which makes a service's first call cheaper. Classes come after the structures they hold, so
every name is defined when used; only a field of a recursive structure that names a class not
defined yet (its own, or one defined after it) has its annotation as text, for pydantic to
read when the model is first used.
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
        names = [shapes.class_name(structure, side) for side, structure in classes]
        for index, (side, structure) in enumerate(classes):
            later = set(names[index:])
            module.add(_structure_class(shapes, module, stem, side, structure, later))
        modules[stem] = module
    modules["_types"] = _types_module(shapes, origin)
    modules["__init__"] = Module(
        docstring(f"{title} models, one module per operation: import them from ``models``.")
    )
    modules["index"] = _index(shapes, origin)
    return modules


def _structure_class(
    shapes: ServiceShapes, module: Module, home: str, side: Side, structure: str, later: set[str]
) -> str:
    """The class of a structure; ``later``: the classes of the module not defined before it
    (its own among them)."""
    name = shapes.class_name(structure, side)
    union = side == "request" and shapes.shapes[structure].get("union")
    base = "RequestUnion" if union else "RequestModel" if side == "request" else "ResponseModel"
    lines = [
        f"class {name}({module.use(MODELING, base)}):",
        docstring(_class_doc(shapes, structure, side), "    "),
    ]
    members = list(shapes.members(structure))
    if members:
        lines.append("")
    for member in members:
        shapes.references.clear()
        annotation = shapes.field_type(module, home, member, side, structure)
        # A request's idempotency token is filled before sending when left out, as botocore
        # fills it; every response member may be missing from what AWS sends later.
        # Nor is an error's member required: its members are read from whatever error came.
        required = member.required and not (side == "request" and member.token)
        required = required and structure not in shapes.errors
        if not required:
            annotation += " | None"
        if shapes.references & later:  # a recursive structure: read when first used
            annotation = _text(annotation)
        if member.name == member.alias:
            default = "" if required else " = None"
        else:
            # The wire name validates and serializes; it is no `alias`, which type checkers
            # would make the constructor's keyword in place of the Python name.
            field = module.use("pydantic", "Field")
            wire = f'validation_alias="{member.alias}", serialization_alias="{member.alias}"'
            default = f" = {field}({wire})" if required else f" = {field}(default=None, {wire})"
        lines.append(f"    {member.name}: {annotation}{default}")
    return "\n".join(lines)


def _text(annotation: str) -> str:
    """An annotation as a string literal."""
    quote = '"' if '"' not in annotation else "'"
    if quote in annotation:
        raise ValueError(f"cannot write {annotation} as text")
    return f"{quote}{annotation}{quote}"


def _class_doc(shapes: ServiceShapes, structure: str, side: Side) -> str:
    if structure in shapes.errors:
        return f"The members of the {structure} error."
    for operation in shapes.operations():
        spec = shapes.data.operation(operation)
        if spec["input"]["shape"] == structure:
            summary = first_sentence(spec.get("documentation"))
            return f"Input of {operation}: {summary}" if summary else f"Input of {operation}."
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
