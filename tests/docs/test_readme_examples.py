"""The README's Examples paragraph promises only what examples/ has: each script it names
exists, each option it shows beside one is an option that script takes, and every service
example is named (tests/local/test_examples.py runs each against the emulator)."""

from __future__ import annotations

import re

from doc_blocks import ROOT, parts

EXAMPLES = ROOT / "examples"


def examples_section() -> str:
    [section] = [part.text for part in parts(ROOT / "README.md") if part.section == "Examples"]
    return section


def options_of(script: str) -> set[str]:
    source = (EXAMPLES / script).read_text(encoding="utf-8")
    return set(re.findall(r"""add_argument\(\s*["'](--[\w-]+)["']""", source))


def test_each_option_shown_beside_an_example_is_one_it_takes() -> None:
    shown = re.findall(r"^python (examples/\w+\.py)[^#\n]*#\s*(.*)$", examples_section(), re.M)
    assert len(shown) >= 4
    for path, comment in shown:
        assert (ROOT / path).is_file(), path
        promised = set(re.findall(r"--[\w-]+", comment))
        assert promised <= options_of(path.removeprefix("examples/")), (path, promised)


def test_every_service_example_is_named_and_no_option_is_promised_that_none_takes() -> None:
    text = examples_section()
    scripts = {path.name for path in EXAMPLES.glob("*.py")}
    for script in scripts - {"demo.py", "fastapi_app.py"}:
        assert f"python examples/{script}" in text, script
    everything = set().union(*(options_of(script) for script in scripts))
    ours = "\n".join(line for line in text.splitlines() if not line.startswith("uvicorn "))
    assert set(re.findall(r"(?<![\w-])--[a-z][\w-]*", ours)) <= everything
