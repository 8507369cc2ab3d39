"""Each client in its own process, driven in turns: interleaved blocks on a shared, noisy machine.

A worker process holds one client (see clients.py) with its connection pool open and runs the
blocks of work it is sent, reading its own CPU time and the wall time around each. Keeping the
clients in separate processes means none pays for another's imports, loaded models or garbage;
running their blocks in turns, in a rotating order, means slow drift in the machine's load hits
all of them alike. Each block is then compared with the other clients' blocks of the same round
and the median of those per-round ratios is reported beside the median of each figure.

One process is one draw of luck, though: the same code runs 10-20% faster or slower from one
interpreter to the next and stays so for the life of the process (on this project's 2-core
machine, bare aiohttp's CPU per call ranged from 70 to 106 µs across fresh processes, whatever
the hash seed). So `measure` runs the rounds in several generations of fresh worker processes
and takes the medians over all of them.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from typing import Any

from clients import CLIENT_NAMES, BenchClient, make_client

Sample = dict[str, float]


def fresh_python(*arguments: str) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter run as ``python *arguments``, its output captured. Its environment
    is this one's, but allowed to write bytecode caches, as an installed package has them (pip
    compiles at install; an editable install in a PYTHONDONTWRITEBYTECODE shell would
    otherwise recompile each time)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [sys.executable, *arguments]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=env)


async def submit_block(client: BenchClient, calls: int, concurrency: int) -> Sample:
    """``calls`` SubmitServiceJob calls, ``concurrency`` at a time: CPU and wall seconds."""
    queue = iter(range(calls))

    async def worker() -> None:
        for _ in queue:
            await client.submit()

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, "n": calls}


async def list_block(client: BenchClient) -> Sample:
    """Page once through every image version: CPU and wall seconds, and the items seen."""
    cpu, wall = time.process_time(), time.perf_counter()
    items = await client.list_all()
    return {"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall, "n": items}


async def _serve(conn: Connection, name: str, url: str, pool: int) -> None:
    async with make_client(name, url, pool) as client:
        conn.send("ready")
        while True:
            # Blocking the loop while waiting is fine: nothing else runs between blocks.
            command, *args = conn.recv()
            if command == "stop":
                return
            try:
                if command == "submit":
                    result: object = await submit_block(client, *args)
                elif command == "list":
                    result = await list_block(client)
                else:
                    raise ValueError(f"unknown command {command!r}")
            except Exception:
                result = RuntimeError(f"{name} worker failed:\n{traceback.format_exc()}")
            conn.send(result)


def _worker_main(conn: Connection, name: str, url: str, pool: int) -> None:
    try:
        asyncio.run(_serve(conn, name, url, pool))
    except Exception:
        conn.send(RuntimeError(f"{name} worker failed:\n{traceback.format_exc()}"))


class Workers:
    """One worker process per client; `run` sends one of them a block and waits for its figures."""

    def __init__(self, conns: dict[str, Connection]) -> None:
        self._conns = conns

    def run(self, name: str, command: str, *args: Any) -> Sample:
        self._conns[name].send((command, *args))
        result = self._conns[name].recv()
        if isinstance(result, Exception):
            raise result
        return result  # type: ignore[no-any-return]

    def interleave(
        self,
        rounds: int,
        command: str,
        *args: Any,
        names: Sequence[str] = CLIENT_NAMES,
        first_round: int = 0,
    ) -> dict[str, list[Sample]]:
        """``rounds`` rounds of one block per client, the order rotating from round to round."""
        samples: dict[str, list[Sample]] = {name: [] for name in names}
        for index in range(first_round, first_round + rounds):
            shift = index % len(names)
            for name in (*names[shift:], *names[:shift]):
                samples[name].append(self.run(name, command, *args))
        return samples


@contextmanager
def workers(url: str, pool: int, names: Sequence[str] = CLIENT_NAMES) -> Iterator[Workers]:
    """Start a worker per client (each with a pool of ``pool`` connections to ``url``)."""
    context = multiprocessing.get_context("spawn")
    processes = []
    conns: dict[str, Connection] = {}
    try:
        for name in names:
            parent, child = context.Pipe()
            process = context.Process(target=_worker_main, args=(child, name, url, pool))
            process.start()
            processes.append(process)
            conns[name] = parent
        for name, conn in conns.items():
            if not conn.poll(60):
                raise RuntimeError(f"{name} worker did not start")
            ready = conn.recv()
            if isinstance(ready, Exception):
                raise ready
        yield Workers(conns)
    finally:
        for conn in conns.values():
            with suppress(OSError):
                conn.send(("stop",))
        for process in processes:
            process.join(10)
            if process.is_alive():
                process.terminate()
                process.join()


def measure(
    url: str,
    pool: int,
    generations: int,
    rounds: int,
    command: str,
    args: Sequence[Any] = (),
    warmup: Sequence[Any] | None = None,
) -> dict[str, list[Sample]]:
    """``generations`` times: fresh workers, a warm-up block each (``warmup`` or ``args``), then
    ``rounds`` interleaved rounds; every client's blocks, tagged with their generation."""
    samples: dict[str, list[Sample]] = {name: [] for name in CLIENT_NAMES}
    for generation in range(generations):
        with workers(url, pool) as team:
            for name in CLIENT_NAMES:  # open the connections, load models, fill caches
                team.run(name, command, *(args if warmup is None else warmup))
            blocks = team.interleave(rounds, command, *args, first_round=generation)
        for name, values in blocks.items():
            samples[name] += [{**value, "generation": generation} for value in values]
    return samples


def summarize(samples: dict[str, list[Sample]], per: str = "call") -> dict[str, dict[str, Any]]:
    """Median CPU microseconds per unit and units per second of each client, and each client's
    median per-round ratios to aiobotocore's and to bare aiohttp's."""
    out: dict[str, dict[str, Any]] = {}
    for name, values in samples.items():
        cpu = [s["cpu"] / s["n"] * 1e6 for s in values]
        rate = [s["n"] / s["wall"] for s in values]
        out[name] = {
            f"cpu_us_per_{per}": statistics.median(cpu),
            f"{per}s_per_s": statistics.median(rate),
            "cpu_ms": statistics.median(s["cpu"] * 1e3 for s in values),
            "wall_ms": statistics.median(s["wall"] * 1e3 for s in values),
            # Below 1, the client spent part of the block waiting on the server.
            "busy": statistics.median(s["cpu"] / s["wall"] for s in values),
        }
        for base in ("aiobotocore", "bare aiohttp"):
            if base in samples and base != name:
                pairs = list(zip(values, samples[base], strict=True))
                cpu_ratios = [a["cpu"] / a["n"] / (b["cpu"] / b["n"]) for a, b in pairs]
                out[name][f"cpu_vs_{base}"] = statistics.median(cpu_ratios)
                out[name][f"wall_vs_{base}"] = statistics.median(
                    a["wall"] / a["n"] / (b["wall"] / b["n"]) for a, b in pairs
                )
                # How far apart the generations of worker processes landed.
                by_generation: dict[float, list[float]] = {}
                for (a, _), ratio in zip(pairs, cpu_ratios, strict=True):
                    by_generation.setdefault(a.get("generation", 0), []).append(ratio)
                medians = [statistics.median(r) for r in by_generation.values()]
                out[name][f"cpu_vs_{base}_range"] = [min(medians), max(medians)]
    return out
