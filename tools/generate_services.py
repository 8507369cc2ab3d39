"""Generate the client surface from the service models and tools/registry.py.

For each service of the registry: services/<name>/_models/ (request and response models, one
module per operation, which a call loads on first use), models.py (the index users import them
from, each name loading its module on first use), operations.py (HTTP bindings, paginators,
waiters), errors.py (modeled errors) and client.py (typed methods, paginator and waiter
classes, endpoint rules derived from the ruleset), and its API reference page
docs/reference/<name>.md. For all of them: services/__init__.py (the Session's client
accessors), contrib/_fastapi_clients.py (FastAPI dependencies), the services' entries in the
navigation of mkdocs.yml and the operations table of README.md.

    python tools/generate_services.py          # rewrite the generated files
    python tools/generate_services.py --check  # fail if they differ from what is committed

Models come from botocore's installed data, or from a service's ``model_dir`` in the registry.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator import GenerationError
from generator.accessors import fastapi_module, services_module
from generator.code import Module, format_modules
from generator.docs import (
    is_generated_page,
    operations_row,
    operations_table,
    reference_page,
    with_operations_table,
    with_service_nav,
)
from generator.package import service_modules
from generator.shapes import ServiceShapes
from generator.source import load
from registry import SERVICES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "aws_mlops_async"
SERVICES_DIR = PACKAGE / "services"
FASTAPI_CLIENTS = PACKAGE / "contrib" / "_fastapi_clients.py"
REFERENCE = ROOT / "docs" / "reference"
MKDOCS = ROOT / "mkdocs.yml"
README = ROOT / "README.md"


def generate() -> dict[Path, str]:
    """Every generated file's path and text."""
    modules: dict[Path, Module] = {}
    rows = []
    for service in SERVICES:
        shapes = ServiceShapes(load(service))
        for path, module in service_modules(shapes).items():
            modules[SERVICES_DIR / service.name / path] = module
        rows.append(operations_row(shapes))
    modules[SERVICES_DIR / "__init__.py"] = services_module(SERVICES)
    modules[FASTAPI_CLIENTS] = fastapi_module(SERVICES)
    files = format_modules({path: module.render() for path, module in modules.items()}, ROOT)
    for service in SERVICES:
        files[REFERENCE / f"{service.name}.md"] = reference_page(service)
    files[MKDOCS] = with_service_nav(MKDOCS.read_text(), SERVICES)
    files[README] = with_operations_table(README.read_text(), operations_table(rows, SERVICES))
    return files


def stale_files(generated: dict[Path, str]) -> list[Path]:
    """Files the generator wrote before but no longer writes (an operation or service gone)."""
    present = set(SERVICES_DIR.rglob("*.py"))
    present |= {page for page in REFERENCE.glob("*.md") if is_generated_page(page.read_text())}
    return sorted(present - set(generated))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report differences")
    args = parser.parse_args()
    try:
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
