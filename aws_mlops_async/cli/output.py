"""Everything the command prints goes through here, made safe for a terminal.

What the command prints comes in part from elsewhere: status reasons, names, tags and
messages from a service (anyone who can call TerminateServiceJob sets a job's reason), the
lines of a jobs file quoted in an error. Printed raw, an escape sequence in one of them could
retitle or clear the terminal, and a carriage return or a backspace overwrite what was
printed before. So every line is printed by `say` (standard error) or `out` (standard
output), which escape each control character visibly (`shown`: ``\\x1b``, ``\\r``, ``\\n``,
...), a newline inside a line included: the only newlines written are those ending the lines
themselves. JSON output (`out_json`) stays exact JSON, every control character escaped as
JSON escapes it. The progress of a run (`Progress`) and a table redrawn as it changes
(`Board`) go through here too, so the only control sequences that reach a terminal are their
own (a redraw in place), never one that came from a value.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["LOG_EVERY", "Board", "Progress", "json_text", "out", "out_json", "say", "shown"]

#: What a terminal may act on rather than show: the C0 controls (tab, newline and carriage
#: return included), DEL, the C1 controls (U+0080..U+009F: U+009B is a CSI on its own), the
#: line and paragraph separators, the bidirectional formatting characters that can make text
#: read in another order than it is (U+061C, U+200E, U+200F, U+202A..U+202E,
#: U+2066..U+2069), and lone surrogates, which no terminal can be sent.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def shown(text: object) -> str:
    """``text`` as one line a terminal shows as it is: each character of `_UNSAFE` escaped as
    Python writes it in a string (``\\t``, ``\\n``, ``\\r``, ``\\x1b``, ``\\u202e``)."""
    text = str(text)
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def say(*lines: str) -> None:
    """Lines for the person at the terminal (standard error), each one line, made safe."""
    _write(sys.stderr, lines)
    sys.stderr.flush()


def out(*lines: str, flush: bool = False) -> None:
    """Lines of a command's result (standard output), each one line, made safe; ``flush``
    sends them at once (to a pipe, they would otherwise wait for a buffer to fill)."""
    _write(sys.stdout, lines)
    if flush:
        sys.stdout.flush()


def _write(stream: IO[str], lines: Sequence[str]) -> None:
    stream.write("".join(shown(line) + "\n" for line in lines))


def json_text(value: Any) -> str:
    """``value`` as one line of JSON with nothing a terminal acts on: every character but
    printable ASCII written as a JSON escape (``\\u001b``), so it reads back exactly."""
    return json.dumps(value, ensure_ascii=True)


def out_json(value: Any) -> None:
    """``value`` as one JSON line on standard output (`json_text`)."""
    out(json_text(value))


class Board:
    """Lines redrawn as they change, on standard error: in place on a terminal; one after
    the other in a log."""

    def __init__(self) -> None:
        self._live = sys.stderr.isatty()
        self._drawn = 0

    def show(self, lines: Sequence[str]) -> None:
        """Draw ``lines`` (over those drawn last, on a terminal)."""
        if self._live and self._drawn:
            sys.stderr.write(f"\x1b[{self._drawn}F")  # back to the first line drawn last
        say(*lines)
        self._drawn = len(lines)


#: Seconds between two lines of `Progress` in a log.
LOG_EVERY = 10.0


class Progress:
    """How far a run got, on standard error: on a terminal a bar redrawn in place (with a
    percentage and an ETA when the total is known); in a log, where a redraw would pile up
    carriage returns, a line every `LOG_EVERY` seconds and a last one when the run ends. Its
    status (`status`) is shown after the count, made safe."""

    def __init__(self, what: str, total: int | None, unit: str) -> None:
        self._what = what
        self._total = total
        self._unit = unit
        #: Items counted so far.
        self.count = 0
        self._status = ""
        self._started = self._logged = time.monotonic()
        self._bar: tqdm[Any] | None = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=unit, desc=shown(what), file=sys.stderr)

    def update(self) -> None:
        """Count one more item."""
        self.count += 1
        if self._bar is not None:
            self._bar.update()

    def status(self, text: str) -> None:
        """What to show after the count from now on (drawn at the next `refresh`)."""
        self._status = shown(text)
        if self._bar is not None:
            self._bar.set_postfix_str(self._status, refresh=False)

    def refresh(self) -> None:
        """Redraw the bar (its clock keeps running); in a log, a line when one is due."""
        if self._bar is not None:
            self._bar.refresh()
            return
        now = time.monotonic()
        if now - self._logged >= LOG_EVERY:
            self._logged = now
            say(self.line())

    def write(self, line: str) -> None:
        """A line of its own, above the bar."""
        if self._bar is not None:
            self._bar.write(shown(line), file=sys.stderr)
        else:
            say(line)

    def close(self) -> None:
        """Draw the last state (in a log, its last line) and stop."""
        if self._bar is not None:
            self._bar.close()
        else:
            say(self.line())

    def line(self) -> str:
        """The state as a log shows it: ``submitting: 40/50 jobs (80%) in 0:00:12, <status>``."""
        count = f"{self.count}/{self._total}" if self._total is not None else f"{self.count}"
        text = f"{self._what}: {count} {self._unit}s"
        if self._total:
            text += f" ({100 * self.count // self._total}%)"
        elapsed = int(time.monotonic() - self._started)
        text += f" in {elapsed // 3600}:{elapsed // 60 % 60:02d}:{elapsed % 60:02d}"
        return f"{text}, {self._status}" if self._status else text
