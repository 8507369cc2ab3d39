"""Every fenced code block of README.md and of each page under docs/ runs as written against
the emulator, or says next to it why it cannot (`doc_blocks` tells how each kind runs).

Each page's test records what it ran as ``doc_blocks_run`` / ``doc_blocks_marked``, which the
closing summary of the run adds up (tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_blocks import ROOT, failures, page_blocks, pages, run_page, summary

pytestmark = pytest.mark.timeout(180)

PAGES_WITH_CODE = [page for page in pages() if page_blocks(page)[0]]


def test_every_page_is_read() -> None:
    assert Path("README.md") in PAGES_WITH_CODE
    assert Path("docs/guides/getting-started.md") in PAGES_WITH_CODE
    assert len(pages()) == 1 + len(list((ROOT / "docs").rglob("*.md")))


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=str)
def test_every_fence_names_a_language_and_every_marker_reads(page: Path) -> None:
    _, problems = page_blocks(page)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=str)
def test_every_block_runs_or_is_marked(
    page: Path, tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    outcomes = run_page((ROOT / page).read_text(encoding="utf-8"), page.as_posix(), tmp_path)
    record_property("doc_blocks_run", sum(o.status == "ran" for o in outcomes))
    record_property("doc_blocks_marked", sum(o.status == "marked" for o in outcomes))
    for outcome in outcomes:
        if outcome.status == "marked":
            record_property("doc_blocks_marked_why", f"{outcome.block.where}: {outcome.detail}")
    print(f"{page}: {summary(outcomes)}")
    assert not failures(outcomes), (
        f"{page}: blocks that neither run nor are marked not runnable:\n\n{failures(outcomes)}"
    )
