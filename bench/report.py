"""docs/benchmarks.md and docs/benchmarks.png from the figures bench/run_all.py gathered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

OURS, AIOBOTOCORE, BARE = "aws_mlops_async", "aiobotocore", "bare aiohttp"
COLORS = {OURS: "#1f77b4", AIOBOTOCORE: "#d62728", BARE: "#7f7f7f"}

# The targets the library aims at; reported, never asserted.
TARGET_CPU_VS_AIOBOTOCORE = 0.2
TARGET_CPU_VS_BARE = 1.1
TARGET_PAGING_VS_BARE = 1.3
TARGET_UNKNOWN_FIELDS = 1.1
TARGET_FIRST_CALL_VS_BARE_MS = 10.0
TARGET_SESSION_MS = 5.0
TARGET_RSS_VS_AIOBOTOCORE = 0.62
TARGET_BULK_VS_PLAIN = 1.15
TARGET_IMPORT_VS_PEER = 1.10
TARGET_FIRST_CALL_EXTRA_MS = 10.0
# RSS right after `import aws_mlops_async` at 0.1.0 (commit 36c9011, all 16 operations' models
# loaded at import), measured by bench/import_time.py's child on the benchmark machine: the
# memory budget of the lazily loaded services.
RSS_AFTER_IMPORT_0_1_MIB = 43.0
PEER = "aiohttp + pydantic + one model"
FIRST_CALLS = {
    "sagemaker": "SageMaker UpdateImageVersion",
    "batch": "Batch SubmitServiceJob",
    "datazone": "DataZone GetNotebookRun",
    "lookoutvision": "Lookout for Vision DescribeModelPackagingJob",
}


def _num(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f}x" if value >= 0.01 else f"1/{1 / value:,.0f}"


def _rows(results: dict[str, Any]) -> list[tuple[str, dict[str, float | None], tuple[Any, Any]]]:
    """(measure, value per client, (ours ÷ aiobotocore, ours ÷ bare aiohttp)) per table row."""
    rows: list[tuple[str, dict[str, float | None], tuple[Any, Any]]] = []
    for level in results["submit"]:
        figures = level["clients"]
        ours = figures[OURS]
        where = f"SubmitServiceJob, concurrency {level['concurrency']}"
        rows.append(
            (
                f"{where}: client CPU per call (µs)",
                {name: figures[name]["cpu_us_per_call"] for name in figures},
                (ours["cpu_vs_aiobotocore"], ours["cpu_vs_bare aiohttp"]),
            )
        )
        rows.append(
            (
                f"{where}: calls per second (wall)",
                {name: figures[name]["calls_per_s"] for name in figures},
                (1 / ours["wall_vs_aiobotocore"], 1 / ours["wall_vs_bare aiohttp"]),
            )
        )
    paging = results["paginate"]["clients"]
    ours = paging[OURS]
    items = f"{results['paginate']['items']:,}"
    rows.append(
        (
            f"ListImageVersions, {items} items: wall (ms)",
            {name: paging[name]["wall_ms"] for name in paging},
            (ours["wall_vs_aiobotocore"], ours["wall_vs_bare aiohttp"]),
        )
    )
    rows.append(
        (
            f"ListImageVersions, {items} items: client CPU (ms)",
            {name: paging[name]["cpu_ms"] for name in paging},
            (ours["cpu_vs_aiobotocore"], ours["cpu_vs_bare aiohttp"]),
        )
    )
    imports = {name: value["ms"] for name, value in results["import_time"]["clients"].items()}
    rows.append(
        (
            "Import (ms): `aws_mlops_async` / `aiobotocore.session` / `aiohttp`",
            imports,
            (imports[OURS] / imports[AIOBOTOCORE], imports[OURS] / imports[BARE]),
        )
    )
    setup = results["session_setup"]["clients"]
    for key, label in (("first_ms", "first in a fresh process"), ("repeated_ms", "repeated")):
        values: dict[str, float | None] = {name: setup[name][key] for name in setup}
        values[BARE] = None
        rows.append(
            (
                f"Session + clients after import, {label} (ms); ours 4 clients, aiobotocore 3",
                values,
                (setup[OURS][key] / setup[AIOBOTOCORE][key], None),
            )
        )
    rss = results["peak_rss"]
    peak = {name: value["peak_mib"] for name, value in rss["clients"].items()}
    rows.append(
        (
            f"Peak RSS, {rss['calls']:,} SubmitServiceJob calls at concurrency "
            f"{rss['concurrency']} (MiB)",
            peak,
            (peak[OURS] / peak[AIOBOTOCORE], peak[OURS] / peak[BARE]),
        )
    )
    return rows


def _targets(results: dict[str, Any]) -> list[str]:
    lines = []
    for level in results["submit"]:
        ours = level["clients"][OURS]
        c = level["concurrency"]
        for base, limit in ((AIOBOTOCORE, TARGET_CPU_VS_AIOBOTOCORE), (BARE, TARGET_CPU_VS_BARE)):
            low, high = ours[f"cpu_vs_{base}_range"]
            lines.append(
                _check(
                    f"CPU per call at concurrency {c} ≤ {limit}x {base}'s",
                    ours[f"cpu_vs_{base}"],
                    limit,
                    "x",
                )
                + f" (sets of worker processes ranged {low:.2f}x to {high:.2f}x)"
            )
    paging = results["paginate"]["clients"][OURS]
    low, high = paging["cpu_vs_bare aiohttp_range"]
    lines.append(
        _check(
            f"Paging client CPU ≤ {TARGET_PAGING_VS_BARE}x bare aiohttp's (with `json.loads`)",
            paging["cpu_vs_bare aiohttp"],
            TARGET_PAGING_VS_BARE,
            "x",
        )
        + f" (sets of worker processes ranged {low:.2f}x to {high:.2f}x)"
    )
    for body, figures in results["unknown_fields"]["bodies"].items():
        low, high = figures["ratio_range"]
        lines.append(
            _check(
                f"{body} with an unknown member on every item parses within "
                f"{TARGET_UNKNOWN_FIELDS}x of it without",
                figures["ratio"],
                TARGET_UNKNOWN_FIELDS,
                "x",
            )
            + f" (rounds ranged {low:.2f}x to {high:.2f}x)"
        )
    setup = results["session_setup"]["clients"][OURS]["first_ms"]
    lines.append(
        _check(
            f"Session with four clients after import < {TARGET_SESSION_MS:g} ms",
            setup,
            TARGET_SESSION_MS,
            " ms",
        )
    )
    bulk = results["bulk"]
    low, high = bulk["ratio_quartiles"]
    lines.append(
        _check(
            f"Bulk submission CPU per job ≤ {TARGET_BULK_VS_PLAIN}x plain calls'",
            bulk["ratio"],
            TARGET_BULK_VS_PLAIN,
            "x",
        )
        + f" (quartiles of the per-round ratios {low:.2f}x and {high:.2f}x)"
    )
    imports = results["import_time"]
    low, high = imports["ours_vs_peer_range"]
    lines.append(
        _check(
            f"Import ≤ {TARGET_IMPORT_VS_PEER}x `import aiohttp, pydantic` plus one model class",
            imports["ours_vs_peer"],
            TARGET_IMPORT_VS_PEER,
            "x",
        )
        + f" (per-round ratios ranged {low:.2f}x to {high:.2f}x)"
    )
    lines.append(
        _check(
            f"RSS right after import ≤ 0.1.0's ({RSS_AFTER_IMPORT_0_1_MIB} MiB)",
            imports["clients"][OURS]["rss_mib"],
            RSS_AFTER_IMPORT_0_1_MIB,
            " MiB",
        )
    )
    services = dict(results["first_call"]["services"])
    bare_first = services.pop(BARE)["first_ms"]
    for service, figures in services.items():
        lines.append(
            _check(
                f"First call of {FIRST_CALLS[service]} in a fresh process ≤ "
                f"{TARGET_FIRST_CALL_VS_BARE_MS:g} ms more than bare aiohttp's",
                figures["first_ms"] - bare_first,
                TARGET_FIRST_CALL_VS_BARE_MS,
                " ms",
            )
        )
    for service, figures in services.items():
        low, high = figures["extra_range_ms"]
        lines.append(
            _check(
                f"First call of {FIRST_CALLS[service]} in a fresh process ≤ "
                f"{TARGET_FIRST_CALL_EXTRA_MS:g} ms more than a later call",
                figures["extra_ms"],
                TARGET_FIRST_CALL_EXTRA_MS,
                " ms",
            )
            + f" (interpreters ranged {low:.1f} to {high:.1f} ms)"
        )
    rss = results["peak_rss"]["clients"]
    lines.append(
        _check(
            f"Peak RSS ≤ {TARGET_RSS_VS_AIOBOTOCORE}x aiobotocore's",
            rss[OURS]["peak_mib"] / rss[AIOBOTOCORE]["peak_mib"],
            TARGET_RSS_VS_AIOBOTOCORE,
            "x",
        )
    )
    return lines


def _first_call_figures(results: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Per service: our first call and bare aiohttp's (the same for every service)."""
    services = results["first_call"]["services"]
    bare = services[BARE]["first_ms"]
    return {
        FIRST_CALLS[name].split(" ")[0]: {OURS: figures["first_ms"], BARE: bare}
        for name, figures in services.items()
        if name != BARE
    }


def _check(label: str, value: float, limit: float, unit: str) -> str:
    verdict = "met" if value <= limit else "**not met**"
    shown = f"{value:.3f}" if unit == " ms" and value < 0.1 else f"{value:.2f}"
    return f"- {label}: {shown}{unit}, {verdict}"


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    packages = ", ".join(f"{name} {version}" for name, version in machine["packages"].items())
    submit = results["submit"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`bench/run_all.py`) on {machine['date']}; do not edit by hand.",
        "All figures come from one run against one loopback server in its own process (no AWS).",
        "",
        "![aws_mlops_async, aiobotocore and bare aiohttp compared](benchmarks.png)",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {machine['cpu']} |",
        f"| Cores | {machine['cores']} |",
        f"| OS | {machine['os']} |",
        f"| Python | {machine['python']} |",
        f"| Packages | {packages} |",
        f"| Load average (1 min), start / end | {machine['load_start']} / {machine['load_end']} |",
        f"| Time for the run (`bench/run_all.py`) | {machine['duration_s']:.0f} s |",
        "",
        "## Results",
        "",
        "Medians. The two ratio columns are this library's figure divided by the other's: for the",
        "interleaved measurements, the median of the per-round ratios (the same round's blocks);",
        "elsewhere, the ratio of the medians. Below 1 is better, except for calls per second.",
        "",
        f"| Measure | {OURS} | {AIOBOTOCORE} | {BARE} | ours ÷ aiobotocore | ours ÷ bare |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for label, values, (vs_aiobotocore, vs_bare) in _rows(results):
        cells = " | ".join(_num(values.get(name)) for name in (OURS, AIOBOTOCORE, BARE))
        lines.append(f"| {label} | {cells} | {_ratio(vs_aiobotocore)} | {_ratio(vs_bare)} |")
    bulk = results["bulk"]
    lines += [
        "",
        "## Bulk submission",
        "",
        f"`session.batch.submit_service_jobs` against plain `submit_service_job` calls, "
        f"concurrency {bulk['concurrency']}, {bulk['rounds']} blocks of "
        f"{bulk['calls_per_block']:,} jobs each way in turns (`bench/bulk_cpu.py`, one process):",
        "",
        "| | client CPU per job (µs) |",
        "|---|--:|",
        f"| plain calls | {_num(bulk['plain_us_per_job'])} |",
        f"| bulk run | {_num(bulk['bulk_us_per_job'])} |",
        f"| bulk ÷ plain, median of per-round ratios | {bulk['ratio']:.2f}x "
        f"(quartiles {bulk['ratio_quartiles'][0]:.2f}x-{bulk['ratio_quartiles'][1]:.2f}x, "
        f"range {bulk['ratio_range'][0]:.2f}x-{bulk['ratio_range'][1]:.2f}x) |",
    ]
    imports = results["import_time"]["clients"]
    first = results["first_call"]
    lines += [
        "",
        "## Import, memory and a service's first call",
        "",
        "What a program pays before its first request: the import against the floor for any "
        "typed client on aiohttp and pydantic (`import aiohttp, pydantic` and one model class "
        "defined), and each service's first call against a later one in the same process (the "
        "service's client, operation specs and models load on first use).",
        "",
        f"| | {OURS} | `aiohttp, pydantic` + one model | ours ÷ that |",
        "|---|--:|--:|--:|",
        f"| Import (ms) | {_num(imports[OURS]['ms'])} | {_num(imports[PEER]['ms'])} | "
        f"{results['import_time']['ours_vs_peer']:.2f}x |",
        f"| RSS right after import (MiB) | {_num(imports[OURS]['rss_mib'])} | "
        f"{_num(imports[PEER]['rss_mib'])} | "
        f"{imports[OURS]['rss_mib'] / imports[PEER]['rss_mib']:.2f}x |",
        "",
        "| First call in a fresh process | first (ms) | later (ms) | first − later (ms) | "
        "first − bare aiohttp's first (ms) |",
        "|---|--:|--:|--:|--:|",
        *(
            f"| {FIRST_CALLS.get(service, service)} | {_num(f['first_ms'])} | "
            f"{_num(f['later_ms'])} | {_num(f['extra_ms'])} "
            f"({f['extra_range_ms'][0]:.1f}-{f['extra_range_ms'][1]:.1f}) | "
            f"{_num(f['first_ms'] - first['services'][BARE]['first_ms'])} |"
            for service, f in first["services"].items()
        ),
        "",
        "## Responses with members the model does not know",
        "",
        "AWS adds response members all the time; reading one the model lacks must cost no more "
        "than its bytes. Each body parsed through the library's response path with and without "
        "one unknown member on every object (`bench/unknown_fields.py`, one process, blocks in "
        f"turns, {results['unknown_fields']['rounds']} rounds):",
        "",
        "| Body | without (µs) | with (µs) | with ÷ without |",
        "|---|--:|--:|--:|",
        *(
            f"| {body} | {_num(f['known_us'])} | {_num(f['unknown_us'])} | {f['ratio']:.2f}x "
            f"({f['ratio_range'][0]:.2f}x-{f['ratio_range'][1]:.2f}x) |"
            for body, f in results["unknown_fields"]["bodies"].items()
        ),
    ]
    blocks = ", ".join(
        f"{level['generations']} × {level['rounds']} blocks of {level['calls_per_block']:,} "
        f"calls per client at concurrency {level['concurrency']}"
        for level in submit
    )
    paging = results["paginate"]
    lines += [
        "",
        "## Targets (reported, not asserted)",
        "",
        *_targets(results),
        "",
        "## How it is measured",
        "",
        "- The same work three ways (`bench/clients.py`): this library; aiobotocore "
        f"{machine['packages'].get('aiobotocore', '')}; bare aiohttp posting pre-built bodies "
        "with pre-built, pre-signed headers and reading the response (for paging it also "
        "`json.loads` each page), the floor for any client on aiohttp. Same static keys, same "
        "`clientToken`, the same pool size as the concurrency (`Config(max_pool_connections=)`, "
        "`AioConfig(max_pool_connections=)`, `TCPConnector(limit=)`).",
        "- SubmitServiceJob and ListImageVersions (`bench/submit_job.py`, `bench/paginate.py`): "
        "each client runs in its own worker process, so none pays for another's imports or "
        "garbage; their blocks take turns in a rotating order (`bench/harness.py`), and each "
        "worker reads its own CPU time (`time.process_time`) and the wall time around a block. "
        "As the same code runs 10-20% faster or slower from one process to the next, the rounds "
        "are spread over several sets (generations) of fresh worker processes: "
        f"{blocks}; {paging['generations']} × {paging['rounds']} runs per client through "
        f"{paging['items']:,} image versions (100 pages of 100, sequential). "
        "The loopback server shares the machine, so calls per second and paging wall time "
        "include its share of the two cores.",
        "- Share of the wall time each client was busy on CPU (CPU ÷ wall, medians): "
        + "; ".join(
            f"concurrency {level['concurrency']}: "
            + ", ".join(
                f"{name} {level['clients'][name]['busy']:.0%}" for name in (OURS, AIOBOTOCORE, BARE)
            )
            for level in submit
        )
        + ". Below 100% a client was waiting on the loopback server (one Python process on "
        "the other core), so its calls per second measure the server as much as the client.",
        "- Import (`bench/import_time.py`): wall time around the import statement in a fresh "
        f"interpreter, {results['import_time']['rounds']} interpreters of each kind in turns "
        "after one untimed run that writes the bytecode caches (as `pip install` does, even "
        "where the shell sets `PYTHONDONTWRITEBYTECODE`). `import aiobotocore.session` loads "
        "no service model yet; aiobotocore reads them in `create_client`. RSS right after "
        "import: the peak RSS (`VmHWM`; `ru_maxrss` would carry the runner's own over the exec, "
        "bench/memory.py) of the same interpreters. The import ratio is the median of the "
        "per-round ratios.",
        "- First call (`bench/first_call.py`): a fresh interpreter imports the library and enters "
        "a Session bound to the loopback server, then times one call of a service (the client "
        f"created, the operation's models loaded and built, the connection opened) and "
        f"{first['later_calls']} more of the same call; first minus the median later call, "
        f"median of {first['rounds']} interpreters per service (range in brackets).",
        "- Session + clients (`bench/session_setup.py`): ours enters `Session(...)` (opening its "
        "aiohttp session) and touches `.sagemaker`, `.batch`, `.datazone`, `.lookoutvision`; "
        "aiobotocore enters `create_client` for sagemaker, batch and datazone in an "
        "`AsyncExitStack` (Lookout for Vision is no longer in botocore). First: the first one in "
        f"a fresh interpreter, median of {results['session_setup']['rounds']} interpreters "
        "each; repeated: later ones in the same interpreter.",
        "- Peak RSS (`bench/peak_rss.py`): `VmHWM` of a fresh interpreter that imports one "
        "client, opens it and makes the calls; median of "
        f"{results['peak_rss']['rounds']} interpreters per client.",
        "",
    ]
    return "\n".join(lines)


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = (OURS, AIOBOTOCORE, BARE)
    figure, axes = plt.subplots(3, 3, figsize=(15, 12.5))
    figure.suptitle(
        f"aws_mlops_async vs aiobotocore vs bare aiohttp, loopback server "
        f"({results['machine']['cpu']}, {results['machine']['usable_cores']} cores, "
        f"{results['machine']['date']})",
        fontsize=12,
    )

    def grouped(ax: Any, title: str, groups: list[tuple[str, dict[str, float | None]]]) -> None:
        width = 0.8 / len(names)
        for index, name in enumerate(names):
            xs, heights = [], []
            for group, (_, values) in enumerate(groups):
                value = values.get(name)
                if value is not None:
                    xs.append(group + (index - 1) * width)
                    heights.append(value)
            bars = ax.bar(xs, heights, width, label=name, color=COLORS[name])
            ax.bar_label(bars, labels=[_num(h) for h in heights], fontsize=8, padding=2)
        ax.set_xticks(range(len(groups)), [label for label, _ in groups])
        ax.set_title(title, fontsize=10)
        ax.margins(y=0.15)
        ax.spines[["top", "right"]].set_visible(False)

    submit = results["submit"]
    grouped(
        axes[0][0],
        "SubmitServiceJob: client CPU per call (µs, lower is better)",
        [
            (f"concurrency {s['concurrency']}", _pick(s["clients"], "cpu_us_per_call"))
            for s in submit
        ],
    )
    grouped(
        axes[0][1],
        "SubmitServiceJob: calls per second (higher is better)",
        [(f"concurrency {s['concurrency']}", _pick(s["clients"], "calls_per_s")) for s in submit],
    )
    paging = results["paginate"]["clients"]
    grouped(
        axes[0][2],
        f"ListImageVersions, {results['paginate']['items']:,} items (ms)",
        [("wall", _pick(paging, "wall_ms")), ("client CPU", _pick(paging, "cpu_ms"))],
    )
    grouped(
        axes[1][0],
        "Import (ms)",
        [("bare aiohttp: `import aiohttp`", _pick(results["import_time"]["clients"], "ms"))],
    )
    setup = results["session_setup"]["clients"]
    grouped(
        axes[1][1],
        "Session + clients after import (ms; ours 4, aiobotocore 3)",
        [
            ("first in a process", _pick(setup, "first_ms")),
            ("repeated", _pick(setup, "repeated_ms")),
        ],
    )
    grouped(
        axes[1][2],
        f"Peak RSS, {results['peak_rss']['calls']:,} calls (MiB)",
        [("peak RSS", _pick(results["peak_rss"]["clients"], "peak_mib"))],
    )
    grouped(
        axes[2][0],
        "First call in a fresh process (ms)",
        list(_first_call_figures(results).items()),
    )
    unknown = results["unknown_fields"]["bodies"]
    ax = axes[2][1]
    labels = [body.split(" (")[0].replace(" response", "") for body in unknown]
    for offset, key, label, shade in (
        (-0.2, "known_us", "as modeled", "#1f77b4"),
        (0.2, "unknown_us", "+1 unknown member per item", "#9ecae1"),
    ):
        values = [figures[key] / figures["known_us"] for figures in unknown.values()]
        bars = ax.bar(
            [i + offset for i in range(len(values))], values, 0.4, color=shade, label=label
        )
        ax.bar_label(bars, labels=[f"{v:.2f}x" for v in values], fontsize=8, padding=2)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_title("aws_mlops_async: parse time, unknown members (÷ as modeled)", fontsize=10)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.margins(y=0.15)
    ax.spines[["top", "right"]].set_visible(False)
    imports = results["import_time"]["clients"]
    ax = axes[2][2]
    names = [OURS, PEER]
    bars = ax.bar(names, [imports[n]["rss_mib"] for n in names], color=[COLORS[OURS], "#bbbbbb"])
    ax.bar_label(bars, labels=[_num(imports[n]["rss_mib"]) for n in names], fontsize=8, padding=2)
    ax.set_title("RSS right after import (MiB)", fontsize=10)
    ax.margins(y=0.15)
    ax.spines[["top", "right"]].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=3, frameon=False)
    figure.tight_layout(rect=(0, 0.04, 1, 0.96))
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _pick(figures: dict[str, dict[str, float]], key: str) -> dict[str, float | None]:
    return {name: values[key] for name, values in figures.items()}


def write(results: dict[str, Any], markdown_path: Path, chart_path: Path) -> None:
    markdown_path.write_text(markdown(results))
    chart(results, chart_path)
