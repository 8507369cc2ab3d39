"""How the command shows a training job's log line: its instance first (``[algo-1]``), then
when it was written (local time by default, ISO-8601 UTC, or not at all), then the message."""

from __future__ import annotations

import argparse
import re
from datetime import datetime, timedelta, timezone

from ..ext.training_logs import MAX_TAIL, LogLine
from .options import positive_int

__all__ = ["TIMESTAMPS", "line_count", "log_text", "since"]

#: The ``--timestamps`` choices: local time (``2026-12-06 13:05:01``), ISO-8601 in UTC to the
#: millisecond (``2026-12-06T12:05:01.250Z``), or none.
TIMESTAMPS = ("local", "iso", "none")

_AGO = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def log_text(line: LogLine, timestamps: str = "local") -> str:
    """``line`` as one printed line (made safe when printed, as every line is)."""
    message = line.message.removesuffix("\n").removesuffix("\r")  # the writer's own line end
    when = _when(line.timestamp, timestamps)
    return f"[{line.instance}] {when} {message}" if when else f"[{line.instance}] {message}"


def _when(moment: datetime, timestamps: str) -> str:
    if timestamps == "iso":
        return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")[:-6] + "Z"
    if timestamps == "local":
        return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return ""


def since(text: str) -> datetime:
    """A ``--since`` value: a time ago (``30s``, ``10m``, ``2h``, ``1d``) or an ISO-8601 time
    (``2026-12-06T12:00:00Z``; without a zone, local time)."""
    ago = _AGO.fullmatch(text.strip())
    if ago is not None:
        amount, unit = ago.groups()
        return datetime.now(timezone.utc) - timedelta(**{_UNIT[unit]: float(amount)})
    try:
        # Python 3.10 reads no ``Z``: written as the offset it stands for.
        moment = datetime.fromisoformat(re.sub(r"[zZ]$", "+00:00", text.strip()))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a time ago (30s, 10m, 2h, 1d) or an ISO-8601 time, not {text!r}"
        ) from None
    return moment if moment.tzinfo is not None else moment.astimezone()


def line_count(text: str) -> int:
    """A number of lines to read (``--tail``, ``--logs-on-failure``): 1 to 10,000."""
    count = positive_int(text)
    if count > MAX_TAIL:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_TAIL}, not {text}")
    return count
