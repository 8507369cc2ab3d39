"""The doc-block runner itself: each kind of block runs, and each way a block can be wrong
fails it (so a page whose blocks pass did run them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from doc_blocks import (
    SECTIONS_STAND_ALONE,
    BlockFailed,
    json_mismatch,
    parse,
    run_page,
    shell_commands,
    split_parts,
)

pytestmark = pytest.mark.timeout(180)

JOB = (
    'job_name="doc-1", job_queue="doc-queue", service_job_type="SAGEMAKER_TRAINING", '
    'service_request_payload="{}"'
)

PAGE = f"""# A page

```text
not code
```

<!-- not runnable: it would raise -->
```python
raise RuntimeError("a marked block never runs")
```

```python
job = await session.batch.submit_service_job({JOB})
```

<!-- continues: the job above -->
```python
assert (await session.batch.describe_service_job(job_id=job.job_id)).job_name == "doc-1"
```

```python
print(job)
```

```sh
export DOC_BLOCK_VALUE=kept
```

```python
import os

assert os.environ["DOC_BLOCK_VALUE"] == "kept"
```

```sh
test "$DOC_BLOCK_VALUE" = kept
false
```

```sh
printf '{{"a": 1, "b": "xyz", "c": {{"d": [1]}}}}\\n' > out.jsonl
```

```jsonl title="out.jsonl"
{{"a": 1, "b": "x...", "c": "..."}}
```

```jsonl title="out.jsonl"
{{"a": 2, "b": "xyz", "c": "..."}}
```

```jsonl title="fresh.jsonl"
{{"written": true}}
```

```sh
test -s fresh.jsonl
pip install 'aws-mlops-async[no-such-extra]'
```

```python
import pytest


@pytest.mark.asyncio
async def test_fails(local_aws) -> None:
    assert local_aws.stats.created["service_job"] == 1
```

```python
import asyncio

from aws_mlops_async import Session


async def main() -> None:
    async with Session(aws_access_key_id="a", aws_secret_access_key="b") as session:
        session_endpoint = await session.batch.endpoint()
        assert "amazonaws.com" in session_endpoint
        await session.batch.with_options(max_attempts=1).list_service_jobs(job_queue="q")


import os

del os.environ["AWS_ENDPOINT_URL"]
asyncio.run(main())
```

```sh
env -u AWS_ENDPOINT_URL aws-mlops-async sagemaker list-image-versions --image-name x || true
```
"""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, str, str]]:
    run = run_page(PAGE, "page.md", tmp_path_factory.mktemp("page"))
    return [(o.block.line, o.status, o.detail) for o in run]


def by_line(outcomes: list[tuple[int, str, str]]) -> dict[int, tuple[str, str]]:
    return {line: (status, detail) for line, status, detail in outcomes}


def line_of(text: str) -> int:
    """The line of the fence just before the first line holding ``text``."""
    lines = PAGE.splitlines()
    number = next(n for n, line in enumerate(lines) if text in line)
    return max(n for n in range(number) if lines[n].startswith("```")) + 1


def test_each_block_is_run_or_counted_as_it_should(
    outcomes: list[tuple[int, str, str]],
) -> None:
    status = {line: status for line, status, _ in outcomes}
    assert status[line_of("not code")] == "text"
    assert status[line_of("a marked block never runs")] == "marked"
    assert status[line_of("job = await")] == "ran"  # given a session bound to the emulator
    assert status[line_of("describe_service_job")] == "ran"  # it continues: same names
    assert status[line_of("print(job)")] == "failed"  # it does not: a fresh namespace
    assert status[line_of("export DOC_BLOCK_VALUE")] == "ran"
    assert status[line_of('os.environ["DOC_BLOCK_VALUE"]')] == "ran"  # exports are kept
    assert status[line_of('{"a": 1, "b": "x..."')] == "ran"
    assert status[line_of('{"a": 2,')] == "failed"
    assert status[line_of('{"written": true}')] == "ran"


def test_a_failing_command_fails_its_block(outcomes: list[tuple[int, str, str]]) -> None:
    status, detail = by_line(outcomes)[line_of('test "$DOC_BLOCK_VALUE" = kept')]
    assert status == "failed"
    assert "`false` exited 1" in detail


def test_an_extra_the_package_lacks_fails_its_pip_install(
    outcomes: list[tuple[int, str, str]],
) -> None:
    status, detail = by_line(outcomes)[line_of("test -s fresh.jsonl")]  # written, then pip
    assert status == "failed"
    assert "aws-mlops-async has no extra [no-such-extra]" in detail


def test_a_failing_test_file_fails_its_block(outcomes: list[tuple[int, str, str]]) -> None:
    status, detail = by_line(outcomes)[line_of("async def test_fails")]
    assert status == "failed"
    assert "1 failed" in detail


def test_a_record_unlike_the_file_fails_its_block(outcomes: list[tuple[int, str, str]]) -> None:
    status, detail = by_line(outcomes)[line_of('{"a": 2,')]
    assert status == "failed"
    assert "a is 1, the doc shows 2" in detail


def test_no_aws_host_is_resolved_in_this_process_or_another(
    outcomes: list[tuple[int, str, str]],
) -> None:
    here_status, here = by_line(outcomes)[line_of("async def main")]
    shell_status, shell = by_line(outcomes)[line_of("env -u AWS_ENDPOINT_URL")]
    assert here_status == shell_status == "failed"  # even when the command carries on
    assert "tried to resolve batch.us-east-1.amazonaws.com, which is not loopback" in here
    assert "tried to resolve api.sagemaker.us-east-1.amazonaws.com" in shell


def test_a_page_with_a_fence_without_a_language_does_not_run(tmp_path: Path) -> None:
    with pytest.raises(BlockFailed, match=r"page.md:1: a fence without a language"):
        run_page("```\nx\n```\n", "page.md", tmp_path)


def test_markers_are_read_from_the_comments_just_before_a_fence() -> None:
    blocks, problems = parse(
        "<!-- not runnable: a reason -->\n```sh\nx\n```\n\n"
        "<!-- continues -->\n```sh\ny\n```\n\n"
        "<!-- not runnable -->\n```jsonl title='a.jsonl'\n{}\n```\n",
        "page.md",
    )
    assert [(b.not_runnable, b.continues, b.title) for b in blocks] == [
        ("a reason", False, None),
        (None, True, None),
        ("", False, "a.jsonl"),
    ]
    assert [str(p) for p in problems] == [
        "page.md:7: only a Python block can continue another",
        "page.md:7: continues, but no Python block comes before it",
        "page.md:12: a `not runnable` marker without its reason",
    ]


def test_shell_commands_join_continued_lines_and_skip_comments() -> None:
    [block], _ = parse("```sh\n# a comment\n\na \\\n  b  # why\nc\n```\n", "page.md")
    assert shell_commands(block) == ["a    b  # why", "c"]
    [console], _ = parse("```console\n$ a\noutput\n$ b\n```\n", "page.md")
    assert shell_commands(console) == ["a", "b"]


def test_a_shown_record_matches_ellipses_and_nothing_else() -> None:
    assert json_mismatch({"a": "...", "b": "x..."}, {"a": [1], "b": "xyz"}) is None
    assert json_mismatch({"a": 1}, {"a": 1, "b": 2}) is not None
    assert json_mismatch({"b": "x..."}, {"b": "yx"}) is not None


def test_a_page_whose_sections_stand_alone_runs_each_on_its_own(tmp_path: Path) -> None:
    page = (
        f"# Title\n\n{SECTIONS_STAND_ALONE}\n\n## One\n\n```sh\nexport ONE=1\n"
        "## not a section: inside a fence\n```\n\n## Two: the second\n\n"
        '```sh\ntest -z "${ONE:-}"\n```\n'
    )
    found = split_parts(page, Path("page.md"))
    assert [(part.section, part.name) for part in found] == [
        ("(before the first section)", "page.md#before-the-first-section"),
        ("One", "page.md#one"),
        ("Two: the second", "page.md#two-the-second"),
    ]
    [one], [two] = (parse(part.text, "page.md")[0] for part in found[1:])
    assert (one.line, two.line) == (7, 14)  # the page's own line numbers
    outcomes = run_page(found[2].text, "page.md", tmp_path)  # without section One's export
    assert [o.status for o in outcomes] == ["ran"]
    assert split_parts("## One\n```sh\nx\n```\n", Path("p.md"))[0].section is None
