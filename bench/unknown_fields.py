"""Responses carrying members the model does not know, as AWS adds them: parse cost with and
without, through the library's response path (`aws_mlops_async.modeling.parse_response`).

Two bodies: a ListImageVersions page of 100 versions and a SubmitServiceJob response; each
also with one unknown member on every item (and at the top). Blocks of parses of each take
turns in one process; the figure is the median of the per-round ratios (with unknown members
÷ without). Run alone with `python bench/unknown_fields.py`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from loopback import SUBMITTED, _page_at


def _with_unknown_members(body: bytes) -> bytes:
    """The same document with a member no model has on every object in it."""

    def add(value: Any) -> Any:
        if isinstance(value, dict):
            return {**{k: add(v) for k, v in value.items()}, "AddedNextYear": "new"}
        if isinstance(value, list):
            return [add(item) for item in value]
        return value

    return json.dumps(add(json.loads(body))).encode()


def _bodies() -> dict[str, tuple[type[Any], bytes]]:
    from aws_mlops_async.services.batch import operations as batch
    from aws_mlops_async.services.sagemaker import operations as sagemaker

    page = _page_at(0, 100, 10_000)
    return {
        "ListImageVersions page (100 items)": (sagemaker.LIST_IMAGE_VERSIONS.output, page),
        "SubmitServiceJob response": (batch.SUBMIT_SERVICE_JOB.output, SUBMITTED),
    }


def _block(model: type[Any], body: bytes, parses: int) -> float:
    from aws_mlops_async.modeling import parse_response

    started = time.process_time()
    for _ in range(parses):
        parse_response(model, body)
    return (time.process_time() - started) / parses * 1e6


def run(rounds: int) -> dict[str, Any]:
    """Per body: µs per parse without and with unknown members, and the ratio (median of the
    per-round ratios, and their range)."""
    results: dict[str, Any] = {}
    for name, (model, known) in _bodies().items():
        unknown = _with_unknown_members(known)
        parses = 200 if "page" in name else 20_000
        _block(model, known, parses)
        _block(model, unknown, parses)
        plain: list[float] = []
        added: list[float] = []
        for index in range(rounds):
            order = [(plain, known), (added, unknown)]
            for samples, body in order if index % 2 else order[::-1]:
                samples.append(_block(model, body, parses))
        ratios = sorted(a / p for a, p in zip(added, plain, strict=True))
        results[name] = {
            "known_us": statistics.median(plain),
            "unknown_us": statistics.median(added),
            "ratio": statistics.median(ratios),
            "ratio_range": (ratios[0], ratios[-1]),
        }
    return {"rounds": rounds, "bodies": results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    print(json.dumps(run(parser.parse_args().rounds), indent=2))


if __name__ == "__main__":
    main()
