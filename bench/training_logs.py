"""What following a training job's logs costs: `sagemaker.training_job_logs(follow=True)` on a
job of 8 instances writing 10,000 lines each, against the embedded emulator.

The emulator runs in a process of its own (`python -m aws_mlops_async.local`), so the
follower's memory is its own: a fresh interpreter follows the job from its creation to its
end and samples its resident set size every 8,000 lines. Requests are the follower's own
counts (`TrainingJobLogs.requests`). Writes the "Following training logs" section of
docs/benchmarks.md (``--no-write`` leaves it). Run with `python bench/training_logs.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from harness import fresh_python
from memory import peak_rss_mib
from reliability import DOC, write_section

BEGIN, END = "<!-- training-logs:begin -->", "<!-- training-logs:end -->"
INSTANCES = 8
LINES = 10_000
SAMPLE_EVERY = 8_000


def _rss_mib() -> float:
    """This process's resident set size now (MiB)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status: this benchmark needs Linux")


async def follow(url: str, instances: int) -> dict[str, Any]:
    """Create a training job on the emulator at ``url`` and follow its logs to the end."""
    from aws_mlops_async import Session
    from aws_mlops_async.local import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY

    session = Session(
        region_name="us-east-1",
        aws_access_key_id=DEFAULT_ACCESS_KEY,
        aws_secret_access_key=DEFAULT_SECRET_KEY,
        endpoint_url=url,
    )
    async with session:
        sagemaker = session.sagemaker
        name = f"bench-{int(time.time())}"
        await sagemaker.create_training_job(
            training_job_name=name,
            role_arn="arn:aws:iam::123456789012:role/SageMakerTraining",
            algorithm_specification={
                "training_image": "pytorch:2.5",
                "training_input_mode": "File",
            },
            resource_config={
                "instance_type": "ml.g5.xlarge",
                "instance_count": instances,
                "volume_size_in_gb": 50,
            },
            output_data_config={"s3_output_path": "s3://models/output/"},
            stopping_condition={"max_runtime_in_seconds": 3600},
        )
        opened = _rss_mib()
        samples: list[float] = []
        last: dict[str, datetime.datetime] = {}
        seen: dict[str, int] = {}
        out_of_order = merged_out_of_order = 0
        newest = datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
        started = time.perf_counter()
        async with sagemaker.training_job_logs(name, follow=True, poll_interval=0.5) as logs:
            async for line in logs:
                if line.stream in last and line.timestamp < last[line.stream]:
                    out_of_order += 1
                last[line.stream] = line.timestamp
                merged_out_of_order += line.timestamp < newest
                newest = max(newest, line.timestamp)
                seen[line.stream] = seen.get(line.stream, 0) + 1
                if sum(seen.values()) % SAMPLE_EVERY == 0:
                    samples.append(_rss_mib())
        wall = time.perf_counter() - started
        # The same lines again, the job ended: how fast the follower itself reads.
        started = time.perf_counter()
        async with sagemaker.training_job_logs(name) as again:
            reread = sum([1 async for _ in again])
        reread_wall = time.perf_counter() - started
        return {
            "reread_lines": reread,
            "reread_wall": reread_wall,
            "reread_requests": dict(again.requests),
            "instances": instances,
            "streams": len(seen),
            "lines": sum(seen.values()),
            "lines_per_stream": sorted(set(seen.values())),
            "out_of_order_in_a_stream": out_of_order,
            "out_of_order_merged": merged_out_of_order,
            "requests": dict(logs.requests),
            "wall": wall,
            "opened_mib": opened,
            "rss_samples_mib": samples,
            "peak_mib": peak_rss_mib(),
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(lines: int, instances: int, running_seconds: float) -> dict[str, Any]:
    """The follower in a fresh interpreter against an emulator process of its own."""
    port = _free_port()
    command = [sys.executable, "-m", "aws_mlops_async.local", "--port", str(port)]
    command += ["--training-log-lines", str(lines), "--seed", "1"]
    command += ["--duration", "training_job_starting=0.5"]
    command += ["--duration", f"training_job_running={running_seconds}"]
    emulator = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or emulator.poll() is not None:
                    raise SystemExit("the emulator did not start") from None
                time.sleep(0.1)
        url = f"http://127.0.0.1:{port}"
        child = fresh_python(__file__, "--child", url, "--instances", str(instances))
        return json.loads(child.stdout)
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)


def section(when: str, result: dict[str, Any], running_seconds: float) -> str:
    requests = result["requests"]
    samples = result["rss_samples_mib"]
    rss = f"{min(samples):.1f}-{max(samples):.1f}" if samples else "n/a"
    memory = f"{result['opened_mib']:.1f} / {rss} / {result['peak_mib']:.1f} MiB"
    gets, streams = requests["GetLogEvents"], requests["DescribeLogStreams"]
    counts = f"{gets:,} / {streams:,} / {requests['DescribeTrainingJob']:,}"
    order = f"{result['out_of_order_in_a_stream']} / {result['out_of_order_merged']}"
    low, high, median = result["wall_spread"]
    rate = f"{result['lines'] / median:,.0f} (wall {median:.1f} s, {low:.1f}-{high:.1f})"
    reread = result["reread_requests"]["GetLogEvents"]
    again = (
        f"{result['reread_lines'] / result['reread_wall']:,.0f} "
        f"({result['reread_lines']:,} lines, {reread} GetLogEvents, "
        f"{result['reread_wall']:.1f} s)"
    )
    return f"""{BEGIN}
## Following training logs

`python bench/training_logs.py` on {when}: `session.sagemaker.training_job_logs(name,
follow=True)` following a training job of {result["instances"]} instances on the embedded
emulator (in a process of its own), each writing {LINES:,} lines over its
{running_seconds:g}-second Training phase, from the job's creation to its end (load average
{result["load_average"]:.1f} on {os.cpu_count()} cores as it ended: other work shared the machine).

| | figure |
|---|---|
| lines read, once each / streams | {result["lines"]:,} / {result["streams"]} |
| lines out of time order within a stream / across the merged streams | {order} |
| GetLogEvents / DescribeLogStreams / DescribeTrainingJob requests | {counts} |
| lines per GetLogEvents request | {result["lines"] / max(gets, 1):.0f} |
| lines per second following, median of 3 runs (the job's own pace included) | {rate} |
| lines per second reading the ended job's logs again, without follow | {again} |
| follower's RSS once open / every {SAMPLE_EVERY:,} lines (min-max) / peak | {memory} |

The follower holds at most a page (1,000 lines) a stream: its memory stays flat however
long the job writes. A follow reads each stream from where it got a page at a time, and
looks for new streams and the job's status once a poll interval.
{END}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=LINES, help="lines per instance")
    parser.add_argument("--instances", type=int, default=INSTANCES)
    parser.add_argument("--running-seconds", type=float, default=10.0)
    parser.add_argument("--no-write", action="store_true", help="leave docs/benchmarks.md")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(follow(args.child, args.instances))))
        return 0
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rounds = [run(args.lines, args.instances, args.running_seconds) for _ in range(3)]
    walls = [r["wall"] for r in rounds]
    result = sorted(rounds, key=lambda r: r["wall"])[1]  # the median run
    result["wall_spread"] = (min(walls), max(walls), statistics.median(walls))
    result["load_average"] = os.getloadavg()[0]
    print(json.dumps(result))
    expected = args.lines * args.instances
    if result["lines"] != expected or result["out_of_order_in_a_stream"]:
        raise SystemExit(f"expected {expected:,} lines in order, got {result['lines']:,}")
    if args.lines == LINES and args.instances == INSTANCES and not args.no_write:
        write_section(section(when, result, args.running_seconds), BEGIN, END)
        print(f"wrote the Following training logs section of {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
