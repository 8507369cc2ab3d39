"""FilterLogEvents' filter patterns for unstructured log events, as CloudWatch Logs reads them:
terms an event must all contain (``ERROR Exception``), exact phrases in double quotes
(``"loss: 0.41"``, and any term with a character other than a letter, digit or ``_``), any one
of several (``?ERROR ?WARN``), and terms it must not contain (``ERROR -Retrying``). Matching is
case-sensitive and finds a term anywhere in the message. An empty pattern matches every event.

JSON (``{ $.level = "ERROR" }``), space-delimited (``[ip, user, ...]``) and regular expression
(``%...%``) patterns are not emulated: `PatternError` says so, as a refusal the caller can
read rather than an answer that silently matches the wrong events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FilterPattern", "PatternError"]

_BARE_TERM = re.compile(r"^\w+$", re.ASCII)
_TOKEN = re.compile(r'\s*([?-]?)(?:"((?:[^"\\]|\\.)*)"|([^\s"]+))\s*')
_UNSUPPORTED = {
    "{": "JSON filter patterns ({ ... })",
    "[": "space-delimited filter patterns ([ ... ])",
    "%": "regular expression filter patterns (%...%)",
}


class PatternError(ValueError):
    """A filter pattern the emulator does not read; the message says why."""


@dataclass(frozen=True)
class FilterPattern:
    """A parsed filter pattern: an event matches when it contains every ``required`` term,
    at least one of ``optional`` (when there are any) and none of ``excluded``."""

    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> FilterPattern:
        """The pattern ``text`` says (None or blank: one matching every event); `PatternError`
        for one it does not read."""
        text = (text or "").strip()
        if text[:1] in _UNSUPPORTED:
            raise PatternError(
                f"{_UNSUPPORTED[text[0]]} are not emulated by aws_mlops_async.local; it reads "
                'terms, "quoted phrases", ?alternatives and -exclusions.'
            )
        terms: dict[str, list[str]] = {"": [], "?": [], "-": []}
        position = 0
        while position < len(text):
            found = _TOKEN.match(text, position)
            if found is None:
                raise PatternError(f"Invalid filter pattern: unbalanced quotes in {text!r}.")
            operator, quoted, bare = found.groups()
            if bare is not None and not _BARE_TERM.match(bare):
                raise PatternError(f"Invalid character(s) in term '{bare}'.")
            terms[operator].append(bare if bare is not None else _unescaped(quoted))
            position = found.end()
        if terms[""] and terms["?"]:
            raise PatternError(
                "Invalid filter pattern: a term without ? cannot be combined with ?alternatives."
            )
        return cls(tuple(terms[""]), tuple(terms["?"]), tuple(terms["-"]))

    def matches(self, message: str) -> bool:
        """Whether an event of text ``message`` matches."""
        return (
            all(term in message for term in self.required)
            and (not self.optional or any(term in message for term in self.optional))
            and not any(term in message for term in self.excluded)
        )

    @property
    def everything(self) -> bool:
        """Whether every event matches (the empty pattern)."""
        return not (self.required or self.optional or self.excluded)


def _unescaped(quoted: str) -> str:
    return re.sub(r"\\(.)", r"\1", quoted)
