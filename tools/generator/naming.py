"""Names, docs and patterns as the generated code spells them."""

from __future__ import annotations

import html
import keyword
import re
import textwrap

from botocore import xform_name

from aws_mlops_async.modeling import RequestModel, ResponseModel

__all__ = [
    "anchored",
    "constant_name",
    "docstring",
    "documented",
    "ecma_to_rust",
    "first_sentence",
    "py_string",
    "python_name",
]

LINE = 100


# Names a model's field must not take: the builtins its class body spells after it (``float:
# float`` would leave the next ``float`` meaning the field), and the attributes of the models'
# bases (``json``, ``copy``, ``response_metadata``...).
RESERVED = frozenset(
    {"bool", "bytes", "dict", "float", "int", "list", "str"}
    | {name for name in dir(RequestModel) + dir(ResponseModel) if not name.startswith("_")}
)


def python_name(wire_name: str) -> str:
    """The Python name of a member or operation: botocore's xform_name, with a ``_`` after a
    keyword or a name a model's field cannot take (`RESERVED`)."""
    name: str = xform_name(wire_name)
    if keyword.iskeyword(name) or name in RESERVED:
        name += "_"
    return name


def constant_name(operation: str) -> str:
    """The module constant an operation's spec is bound to (``SUBMIT_SERVICE_JOB``)."""
    return python_name(operation).upper()


def first_sentence(documentation: str | None) -> str:
    """The first sentence of a model's HTML documentation, as plain text."""
    if not documentation:
        return ""
    text = html.unescape(re.sub(r"<[^>]+>", " ", documentation))
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence.replace('"""', "'''").replace("\\", "\\\\")


def docstring(text: str, indent: str = "") -> str:
    """A docstring, wrapped to the line length with the closing quotes on their own line."""
    width = LINE - 4 - len(indent)
    paragraphs = text.split("\n\n")
    lines: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            lines.append("")
        lines += textwrap.wrap(paragraph, width=width - 3, break_on_hyphens=False) or [""]
    if len(lines) == 1 and len(lines[0]) + 6 <= width:
        return f'{indent}"""{lines[0]}"""'
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines)
    return f'{indent}"""{body.lstrip()}\n{indent}"""'


def py_string(text: str, width: int = 72) -> str:
    """A raw string literal of ``text``; a long one as several, implicitly joined, so the
    line holding it keeps to the line length."""
    quote = '"' if '"' not in text else "'"
    pieces: list[str] = []
    while len(text) > width:
        cut = width
        while text[cut - 1] == "\\":  # a raw string cannot end in a backslash
            cut -= 1
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return " ".join(f"r{quote}{piece}{quote}" for piece in pieces)


# What `.` does not match in the models' dialect: ECMA-262's line terminators and U+0085, which
# Java (the services' validator) also counts as one.
NOT_A_LINE_TERMINATOR = r"[^\n\r\x85\u2028\u2029]"
# ECMA-262's \d and \w are ASCII; Rust's (pydantic's) are Unicode unless spelled out.
# Java's \s and \S (the services validate with Java) are ASCII too.
ASCII_CLASSES = {"d": "0-9", "w": "a-zA-Z0-9_", "s": " \\t\\n\\x0B\\f\\r"}
# Java's POSIX classes (ASCII), which neither Rust's engine nor Python's knows.
POSIX_CLASSES = {
    "Alnum": "a-zA-Z0-9",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Upper": "A-Z",
    "Lower": "a-z",
}
# Java patterns Rust's regex engine cannot run (look-around), rewritten to equivalents.
PATTERN_REWRITES = {
    # "must not start with . or -, then letters, digits, - _ ." without the look-ahead.
    "(?!^[.-])^([a-zA-Z0-9-_.]+)": "[a-zA-Z0-9_][a-zA-Z0-9_.-]*",
}
# Patterns any text matches (SageMaker's environment values): no check at all.
ANY_TEXT = frozenset({"[\\S\\s]*"})


def ecma_to_rust(pattern: str) -> str:
    """The service-model pattern (ECMA-262 dialect) with the same meaning in Rust's regex."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escape = pattern[index + 1]
            posix = re.match(r"p\{(\w+)\}", pattern[index + 1 :])
            if posix and posix.group(1) in POSIX_CLASSES:
                members = POSIX_CLASSES[posix.group(1)]
                out.append(members if in_class else f"[{members}]")
                index += 1 + posix.end()
                continue
            index += 2
            if escape.lower() in ASCII_CLASSES:
                members = ASCII_CLASSES[escape.lower()]
                if in_class and escape.islower():
                    out.append(members)
                elif in_class:
                    raise ValueError(f"cannot rewrite \\{escape} inside a class: {pattern!r}")
                else:
                    out.append(f"[{'^' if escape.isupper() else ''}{members}]")
            else:
                out.append("\\" + escape)
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            opening = "[^" if pattern.startswith("^", index + 1) else "["
            if pattern.startswith("]", index + len(opening)):
                opening += "]"  # a ] first in a class is a member, not its end
            out.append(opening)
            index += len(opening)
            continue
        elif char == ".":
            char = NOT_A_LINE_TERMINATOR
        out.append(char)
        index += 1
    return "".join(out)


def anchored(pattern: str, *, python: bool = False) -> str:
    """The pattern, in Rust's dialect (or for Python's ``re.fullmatch``, which reads the
    same translation), matching whole strings only."""
    pattern = PATTERN_REWRITES.get(pattern, pattern).replace("[\\S]", "\\S")  # a lone class
    pattern = ecma_to_rust(pattern)
    if python:
        if "\\p{" in pattern:
            raise ValueError(f"no Unicode classes in Python's re: {pattern!r}")
        return pattern
    if not pattern.startswith("^"):
        pattern = "^" + ("(?:" + pattern + ")" if "|" in pattern else pattern)
    if not pattern.endswith("$"):
        pattern = pattern + "$"
    return pattern


def documented(summary: str, fields: list[tuple[str, str]], indent: str) -> str:
    """A docstring: the summary, then a reST field list (``:param x: ...``, ``:returns: ...``,
    ``:raises E: ...``) whose long entries continue on indented lines."""
    width = LINE - 4 - len(indent)
    lines = textwrap.wrap(summary, width=width - 3, break_on_hyphens=False) or [""]
    if fields:
        lines.append("")
    for name, text in fields:
        entry = f":{name}: {text}".rstrip()
        lines += textwrap.wrap(
            entry, width=width, subsequent_indent="    ", break_on_hyphens=False
        ) or [entry]
    if len(lines) == 1 and len(lines[0]) + 6 <= width:
        return f'{indent}"""{lines[0]}"""'
    body = "\n".join(f"{indent}{line}" if line else "" for line in lines)
    return f'{indent}"""{body.lstrip()}\n{indent}"""'
