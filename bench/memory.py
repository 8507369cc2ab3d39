"""The peak resident set size of this process, as the kernel counts it for this program alone.

``resource.getrusage().ru_maxrss`` is no use in a child the benchmarks start: Linux carries
the high-water mark of the forked parent (the benchmark runner, some 50 MiB) across the
exec, so every child would report at least that. ``VmHWM`` in /proc/self/status belongs to
the program the child runs. Imports nothing else, so a measured child loads only what it
measures.
"""

from __future__ import annotations

__all__ = ["peak_rss_mib"]


def peak_rss_mib() -> float:
    """The highest resident set size of this process so far (MiB)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    raise RuntimeError("no VmHWM in /proc/self/status: these benchmarks need Linux")
