"""How every command shows what it got: one table style (Title Case headers, ISO-8601 UTC
times), or with ``--json`` one JSON object per line, each the resource's wire form; both
printed by `output`, so nothing in them reaches a terminal raw."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

from ..modeling import AwsModel
from .output import out, out_json, shown

__all__ = ["epoch_ms", "iso", "show"]

ModelT = TypeVar("ModelT", bound=AwsModel)
Row = dict[str, str]


def iso(moment: datetime | None) -> str:
    """A time as ISO-8601 in UTC, to the second (``2026-12-01T21:05:00Z``); ``-`` for none."""
    if moment is None:
        return "-"
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epoch_ms(value: int | None) -> str:
    """Epoch milliseconds (as AWS Batch sends times) as `iso` shows a time."""
    if not value:  # Batch sends 0 for a time that has not come yet
        return "-"
    return iso(datetime.fromtimestamp(value / 1000, timezone.utc))


def show(items: Sequence[ModelT], row: Callable[[ModelT], Row], *, as_json: bool) -> None:
    """Print ``items``: as a table of their ``row``s, or as JSON lines."""
    if as_json:
        for item in items:
            out_json(item.model_dump(mode="json", by_alias=True, exclude_none=True))
        return
    print_table([row(item) for item in items])


def print_table(rows: Iterable[Row]) -> None:
    """Rows as a table aligned under their keys, each cell as `shown` (escaped, so a cell
    is one line as wide as it looks); ``(none)`` when there are none."""
    cells = [{name: shown(value) for name, value in row.items()} for row in rows]
    if not cells:
        out("(none)")
        return
    columns = list(cells[0])
    widths = [max(len(name), *(len(row[name]) for row in cells)) for name in columns]
    lines = [_line(columns, widths)]
    lines += [_line([row[name] for name in columns], widths) for row in cells]
    out(*lines)


def _line(cells: Sequence[Any], widths: Sequence[int]) -> str:
    return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))
