"""Generate the client surface from the service models and tools/registry.py.

For each service of the registry: services/<name>/_models/ (request and response models, one
module per operation, which a call loads on first use), models.py (the index users import them
from, each name loading its module on first use), operations.py (HTTP bindings, paginators,
waiters), errors.py (modeled errors) and client.py (typed methods, paginator and waiter
classes, endpoint rules derived from the ruleset), and its API reference page
docs/reference/<name>.md. For all of them: _session_clients.py (the Session's client
accessors), services/__init__.py (the packages' index), contrib/_fastapi_clients.py (FastAPI
dependencies), the services' entries in the navigation of mkdocs.yml and the operations table
of README.md.

    python tools/generate_services.py          # rewrite the generated files
    python tools/generate_services.py --check  # fail if they differ from what is committed

Models come from botocore's installed data, or from a service's ``model_dir`` in the registry.
Any model folder in botocore's layout (service-2.json, endpoint-rule-set-1.json, and
paginators-1.json and waiters-2.json if any) can be generated into a package of its own, every
operation of it bound:

    python tools/generate_services.py --model-dir DIR --out DIR --package NAME

Generation fails, naming the service, shape, member and trait, on anything of the model the
generator cannot write code for.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator import GenerationError
from generator.accessors import fastapi_module, services_index, session_clients_module
from generator.code import Module, format_modules
from generator.docs import (
    is_generated_page,
    operations_row,
    operations_table,
    reference_page,
    with_operations_table,
    with_service_nav,
)
from generator.hand_written import check_hand_written
from generator.package import service_modules
from generator.shapes import ServiceShapes
from generator.source import load, load_model_dir
from registry import SERVICES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "aws_mlops_async"
SERVICES_DIR = PACKAGE / "services"
FASTAPI_CLIENTS = PACKAGE / "contrib" / "_fastapi_clients.py"
SESSION_CLIENTS = PACKAGE / "_session_clients.py"
REFERENCE = ROOT / "docs" / "reference"
MKDOCS = ROOT / "mkdocs.yml"
README = ROOT / "README.md"


def generate() -> dict[Path, str]:
    """Every generated file's path and text."""
    modules: dict[Path, Module] = {}
    rows = []
    for service in SERVICES:
        check_hand_written(service)
        shapes = ServiceShapes(load(service))
        for path, module in service_modules(shapes).items():
            modules[SERVICES_DIR / service.name / path] = module
        rows.append(operations_row(shapes))
    modules[SERVICES_DIR / "__init__.py"] = services_index(SERVICES)
    modules[SESSION_CLIENTS] = session_clients_module(SERVICES)
    modules[FASTAPI_CLIENTS] = fastapi_module(SERVICES)
    files = format_modules({path: module.render() for path, module in modules.items()}, ROOT)
    for service in SERVICES:
        files[REFERENCE / f"{service.name}.md"] = reference_page(service)
    files[MKDOCS] = with_service_nav(MKDOCS.read_text(), SERVICES)
    files[README] = with_operations_table(README.read_text(), operations_table(rows, SERVICES))
    return files


def generate_packages(targets: Sequence[tuple[Path, Path, str]]) -> dict[Path, str]:
    """The files of each ``(model folder, output folder, package)``: the package generated
    from the model, every operation of it bound, in the output folder (formatted in one
    run)."""
    files: dict[Path, str] = {}
    for model_dir, out, package in targets:
        files.update(render_package(model_dir, out, package))
    return format_modules(files, ROOT)


def render_package(model_dir: Path, out: Path, package: str) -> dict[Path, str]:
    """The files of the package generated from one model folder, before formatting."""
    modules = service_modules(ServiceShapes(load_model_dir(model_dir, package)))
    return {out / name: module.render() for name, module in modules.items()}


def stale_files(generated: dict[Path, str]) -> list[Path]:
    """Files the generator wrote before but no longer writes (an operation or service gone)."""
    present = set(SERVICES_DIR.rglob("*.py"))
    present |= {page for page in REFERENCE.glob("*.md") if is_generated_page(page.read_text())}
    return sorted(present - set(generated))


def write_package(model_dir: Path, out: Path, package: str) -> int:
    """Generate the package of one model folder into ``out``."""
    files = generate_packages([(model_dir, out, package)])
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"Wrote {package} ({len(files)} files) into {out}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report differences")
    parser.add_argument("--model-dir", type=Path, help="generate this model folder's package")
    parser.add_argument("--out", type=Path, help="the folder the package is written to")
    parser.add_argument("--package", help="the package's import path (in the output folder)")
    args = parser.parse_args()
    given = [args.model_dir is not None, args.out is not None, args.package is not None]
    try:
        if any(given):
            if not all(given) or args.check:
                parser.error("--model-dir, --out and --package go together, without --check")
            return write_package(args.model_dir, args.out, args.package)
        generated = generate()
    except GenerationError as error:
        print(f"Refused: {error}", file=sys.stderr)
        return 1
    changed = [
        path for path, text in generated.items() if not path.exists() or path.read_text() != text
    ]
    extra = stale_files(generated)
    if args.check:
        if changed or extra:
            print("Out of date (run python tools/generate_services.py):")
            for path in [*changed, *extra]:
                print(f"  {path.relative_to(ROOT).as_posix()}")
            return 1
        return 0
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(generated[path])
    for path in extra:
        path.unlink()
        if not any(path.parent.glob("*.py")):  # a folder left empty: its caches go with it
            shutil.rmtree(path.parent)
    print(
        f"Wrote {len(changed)} file(s), removed {len(extra)}"
        if changed or extra
        else "Nothing to change"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
