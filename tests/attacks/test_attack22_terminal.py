"""Attack 22: the CLI printing a service's text to a terminal.

A service's text (a job's name and status reason, an error message echoing what was sent)
is not the CLI's to trust: an endpoint (a proxy, a compromised or hostile one, or an error
message echoing a hostile argument) can answer with terminal control sequences: OSC (set the
window title, write the clipboard, hyperlinks), CSI (clear the screen, move the cursor,
colours), a carriage return that overwrites what the line said, a bidi override that
reverses it. Printed raw, they drive the user's terminal."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]

EVIL = "x\x1b]0;PWNED\x07\x1b[2J\x1b[31mRED\rFAKE\u202eTXT"
CONTROLS = ("\x1b", "\x07", "\r", "\u202e", "\x9b")


async def _answer(request: web.Request) -> web.Response:
    if request.path.startswith("/v1/listservicejobs"):
        job = {
            "jobArn": "arn:aws:batch:us-east-1:123456789012:service-job/j1",
            "jobId": "j1",
            "jobName": EVIL,
            "serviceJobType": "SAGEMAKER_TRAINING",
            "status": "FAILED",
            "statusReason": EVIL,
            "createdAt": 1700000000000,
        }
        return web.json_response({"jobSummaryList": [job]})
    return web.json_response(
        {"__type": "ClientException", "message": EVIL},
        status=400,
        headers={"x-amzn-ErrorType": "ClientException"},
    )


@pytest.fixture
async def hostile_url() -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", _answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def _cli(url: str, *args: str) -> tuple[int, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "AWS_ACCESS_KEY_ID": "AKIDTEST",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_REGION": "us-east-1",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aws_mlops_async",
        *args,
        "--endpoint-url",
        url,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 30)
    return process.returncode or 0, output.decode("utf-8", "replace")


@pytest.mark.timeout(60)
async def test_a_table_never_prints_control_sequences(hostile_url: str) -> None:
    status, output = await _cli(hostile_url, "batch", "list-service-jobs", "--queue", "q")
    assert status == 0, output
    assert "j1" in output
    assert [c for c in CONTROLS if c in output] == []


@pytest.mark.timeout(60)
async def test_an_error_line_never_prints_control_sequences(hostile_url: str) -> None:
    status, output = await _cli(hostile_url, "sagemaker", "describe-training-job", "--name", "a")
    assert status != 0
    assert "ClientException" in output
    assert [c for c in CONTROLS if c in output] == []


@pytest.mark.timeout(60)
async def test_json_output_escapes_control_characters(hostile_url: str) -> None:
    """What held: --json writes them escaped."""
    status, output = await _cli(hostile_url, "batch", "list-service-jobs", "--queue", "q", "--json")
    assert status == 0, output
    assert [c for c in CONTROLS if c in output] == []
