"""Every fenced code block of README.md and of each page under docs/ runs as written against
the emulator, or says next to it why it cannot (`doc_blocks` tells how each kind runs).

Each part's test (a page, or a README section: they stand alone) records what it ran as
``doc_blocks_run`` / ``doc_blocks_marked``, which the closing summary of the run adds up
(tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_blocks import ROOT, Part, failures, page_blocks, pages, parse, parts, run_page, summary

pytestmark = pytest.mark.timeout(180)

PAGES_WITH_CODE = [page for page in pages() if page_blocks(page)[0]]
PARTS_WITH_CODE = [
    part for page in PAGES_WITH_CODE for part in parts(page) if parse(part.text, page.as_posix())[0]
]


def test_every_page_is_read() -> None:
    assert Path("README.md") in PAGES_WITH_CODE
    assert Path("docs/guides/getting-started.md") in PAGES_WITH_CODE
    assert len(pages()) == 1 + len(list((ROOT / "docs").rglob("*.md")))


def test_each_block_of_a_page_is_in_exactly_one_part() -> None:
    for page in PAGES_WITH_CODE:
        whole, _ = page_blocks(page)
        in_parts = [block for part in parts(page) for block in parse(part.text, str(page))[0]]
        assert in_parts == whole, page
    assert len(parts(Path("README.md"))) > 5  # the README's sections stand alone


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=str)
def test_every_fence_names_a_language_and_every_marker_reads(page: Path) -> None:
    _, problems = page_blocks(page)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("part", PARTS_WITH_CODE, ids=lambda part: part.name)
def test_every_block_runs_or_is_marked(
    part: Part, tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    outcomes = run_page(part.text, part.page.as_posix(), tmp_path)
    record_property("doc_blocks_run", sum(o.status == "ran" for o in outcomes))
    record_property("doc_blocks_marked", sum(o.status == "marked" for o in outcomes))
    for outcome in outcomes:
        if outcome.status == "marked":
            record_property("doc_blocks_marked_why", f"{outcome.block.where}: {outcome.detail}")
    print(f"{part.name}: {summary(outcomes)}")
    assert not failures(outcomes), (
        f"{part.name}: blocks that neither run nor are marked not runnable:\n\n{failures(outcomes)}"
    )
