"""Attack 22: calls, watches and closes while a `credential_process` hangs (an MFA prompt).

Each scenario runs in a child interpreter: what it leaks (a process, its pipes) must not
poison this one's warnings-as-errors run."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRELUDE = """
import asyncio, json, os, sys, time, warnings
from aws_mlops_async import AwsError, Session, SessionClosedError
from aws_mlops_async.local import LocalAws

PIDS = os.environ["ATTACK22_PIDS"]

def pids():
    return [int(p) for p in open(PIDS).read().split()] if os.path.exists(PIDS) else []

def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[1][0] != "Z"
    except OSError:
        return False

async def started():
    for _ in range(200):
        if pids():
            return
        await asyncio.sleep(0.05)
"""


@pytest.fixture
def hanging_profile(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a profile whose credential_process writes its pid, then waits
    forever; every such process is killed afterwards."""
    pids = tmp_path / "pids"
    script = tmp_path / "mfa.py"
    script.write_text(
        "import os, time\n"
        f"with open({str(pids)!r}, 'a') as f: f.write(f'{{os.getpid()}}\\n')\n"
        "time.sleep(3600)\n"
    )
    config = tmp_path / "config"
    config.write_text(
        f"[profile hang]\nregion = us-east-1\ncredential_process = {sys.executable} {script}\n"
    )
    (tmp_path / "credentials").write_text("")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
        and k not in ("AWS_PROFILE", "AWS_ENDPOINT_URL")
    }
    env.update(
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "credentials"),
        ATTACK22_PIDS=str(pids),
        PYTHONPATH=str(ROOT),
    )
    try:
        yield env
    finally:
        if pids.exists():
            for pid in (int(p) for p in pids.read_text().split()):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _run(env: dict[str, str], body: str) -> dict[str, Any]:
    """Run ``body`` (the inside of ``async def main()``, returning a dict) in a child."""
    code = PRELUDE + "\nasync def main():\n" + textwrap.indent(textwrap.dedent(body), "    ")
    code += "\nprint(json.dumps(asyncio.run(main())))\n"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=40
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    result["stderr"] = done.stderr
    return result


@pytest.mark.timeout(60)
def test_close_ends_a_call_waiting_for_credentials(hanging_profile: dict[str, str]) -> None:
    """README: closing ends every call in flight with SessionClosedError."""
    result = _run(
        hanging_profile,
        """
        async with LocalAws() as endpoint:
            session = Session(profile_name="hang", endpoint_url=endpoint.url)
            call = asyncio.create_task(session.batch.describe_service_job(job_id="job-1"))
            await started()
            await session.close()
            done, _ = await asyncio.wait([call], timeout=3)
            ended = call in done
            error = type(call.exception()).__name__ if ended else None
            call.cancel()
            await asyncio.gather(call, return_exceptions=True)
        return {"ended": ended, "error": error}
        """,
    )
    assert result["ended"], "the call still waits for credentials 3 s after close"
    assert result["error"] == "SessionClosedError"


@pytest.mark.xfail(strict=True, reason="FINDINGS22 #3")
@pytest.mark.timeout(60)
def test_credential_process_is_not_left_running(hanging_profile: dict[str, str]) -> None:
    """A call given up on (call_timeout) and its Session closed leave no credential_process
    behind, and no pipe of it open: an MFA prompt must not outlive the program that asked,
    nor a warnings-as-errors test suite fail on its unclosed transports."""
    result = _run(
        hanging_profile,
        """
        warnings.simplefilter("always", ResourceWarning)
        async with LocalAws() as endpoint:
            async with Session(profile_name="hang", endpoint_url=endpoint.url) as session:
                once = session.batch.with_options(call_timeout=1.0)
                try:
                    await once.describe_service_job(job_id="job-1")
                    error = None
                except AwsError as exc:
                    error = type(exc).__name__
        await asyncio.sleep(0.5)
        return {"error": error, "pids": pids(), "alive": [p for p in pids() if alive(p)]}
        """,
    )
    assert result["error"] == "Timeout"
    assert result["pids"]
    assert result["alive"] == []
    assert "ResourceWarning" not in result["stderr"]


@pytest.mark.timeout(60)
def test_watch_gives_up_while_credentials_hang(hanging_profile: dict[str, str]) -> None:
    """README: a watch ends after give_up_after seconds without an answer from the service
    (a bulk run with a hung credential_process does, with a CredentialsError)."""
    result = _run(
        hanging_profile,
        """
        async with LocalAws() as endpoint:
            async with Session(profile_name="hang", endpoint_url=endpoint.url) as session:
                started_at = time.monotonic()

                async def watch():
                    async with session.batch.watch_service_jobs(
                        ["job-1"], job_queue="ml-queue", give_up_after=2, poll_interval=0.5
                    ) as updates:
                        async for _ in updates:
                            pass

                try:
                    await asyncio.wait_for(watch(), 10)
                    error = None
                except AwsError as exc:
                    error = type(exc).__name__
                except asyncio.TimeoutError:
                    error = "still watching after 10 s"
        return {"error": error, "elapsed": time.monotonic() - started_at}
        """,
    )
    assert result["error"] in ("CredentialsError", "EndpointUnreachable"), result["error"]
    assert result["elapsed"] < 5
