"""The doc-block runner: every fenced code block of README.md and of each page under docs/,
executed as written against the emulator (`tests/docs/test_doc_blocks.py` runs it).

What a block is, by its fence's language:

- ``python``: a file that defines ``test_*`` functions runs under pytest, alone in a fresh
  folder (``-W error``), as a user's test file; a script (``asyncio.run(main())``) runs as
  ``__main__``; a fragment with a top-level ``await``, ``async with`` or ``async for`` runs as
  ``python -m asyncio`` runs it, inside an open ``Session()`` named ``session``. A FastAPI
  ``app`` a block defines is started and stopped (its lifespan). Python blocks run in this
  process, on a thread of their own, one at a time.
- ``sh``, ``bash``, ``shell`` (every line a command) and ``console`` (the lines after
  ``$ ``): each command runs in bash, in the page's folder, its exports kept for the page's
  later blocks, as in one terminal. ``python -m aws_mlops_async.local`` (with or without a
  closing ``&``) serves until stopped: it is started in the background, its URL awaited, and
  stopped when the page is done (on its default port, 4567, one page at a time on this
  machine). ``pip install`` is checked against what is installed, never an index: each
  package there at a version it allows, each extra it names declared, with all it requires
  (pip itself would only warn about an unknown extra). The page's
  folder links ``examples/``, as a clone's folder holds it.
- ``jsonl`` and ``json``: JSON read as such. A block titled with a file name
  (```` ```jsonl title="jobs.jsonl" ````, which the docs site shows above the block) is that
  file: written to the page's folder for the commands after it, or, when a command before it
  wrote the file, compared with it record by record (a value ``"..."`` matches anything, a
  string ending in ``...`` any string it begins).
- ``text``: not code (diagrams, output); not run. A fence with no language is an error.

Every block of a page runs in document order, in one folder, against one emulator started
for the page (as ``python -m aws_mlops_async.local --port 0`` serves it, from a thread of
this process, when the page's first Python or shell block runs): ``AWS_ENDPOINT_URL``, keys
and ``AWS_DEFAULT_REGION`` in the environment point every SDK at it, no AWS configuration
file is read, and no AWS host is ever resolved: a host other than a loopback one is refused
(in this process, and through a ``sitecustomize`` in each Python process a block starts) and
fails the page, naming the host. A page that says
``<!-- doc blocks: each section stands alone -->`` (the README, whose sections a reader opens
one at a time) runs each ``## `` section that way instead, as if it were a page of its own:
a fresh folder, emulator and terminal, so its sections can run side by side.

An HTML comment just before a fence says more about the block:

- ``<!-- not runnable: REASON -->``: the block cannot run as written (a synopsis, a command
  that would run the suite itself...), or fails because of a finding (``finding N``); it is
  counted, not run. Keep these few.
- ``<!-- continues: NOTE -->``: a Python block that goes on from the page's Python block
  before it: same names, same ``session``.
"""

from __future__ import annotations

import ast
import asyncio
import builtins
import contextlib
import fcntl
import inspect
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]

#: The languages of blocks that run, and of blocks that are not code.
CODE = frozenset({"python", "sh", "bash", "shell", "console", "jsonl", "json"})
NOT_CODE = frozenset({"text"})
SHELLS = frozenset({"sh", "bash", "shell", "console"})

#: How long one block (a Python block, a command, a pytest file) may take.
BLOCK_TIMEOUT = 60.0
#: The emulator's default port, which `--local` and the guides' exports name.
DEFAULT_PORT = 4567
#: Host names a block may resolve: loopback ones only.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "ip6-localhost"})

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_MARKER = re.compile(r"^\s*<!--\s*(?P<name>[\w-]+)\s*(?::\s*(?P<value>.*?))?\s*-->\s*$")
_TITLE = re.compile(r"""\btitle=(?:"([^"]*)"|'([^']*)'|(\S+))""")
_SERVER = re.compile(r"^python3?\s+-m\s+aws_mlops_async\.local(?:\s|$)")
_PIP_INSTALL = re.compile(r"^(?:python3?\s+-m\s+)?pip3?\s+install\s")


def pages() -> list[Path]:
    """README.md and every page under docs/, as paths relative to the repository."""
    found = [Path("README.md")]
    found += sorted(path.relative_to(ROOT) for path in (ROOT / "docs").rglob("*.md"))
    return found


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: str
    line: int  #: the fence's line, 1-based
    language: str
    code: str
    title: str | None = None
    not_runnable: str | None = None  #: the reason given by a ``not runnable`` marker
    continues: bool = False

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


@dataclass
class Problem:
    """A fence or marker the runner cannot take."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def parse(text: str, page: str) -> tuple[list[Block], list[Problem]]:
    """The fenced blocks of a Markdown page, and what is wrong with its fences and markers."""
    lines = text.splitlines()
    blocks: list[Block] = []
    problems: list[Problem] = []
    number = 0
    while number < len(lines):
        opening = _FENCE.match(lines[number])
        if not opening:
            number += 1
            continue
        fence, indent = opening["fence"], opening["indent"]
        info = opening["info"].strip()
        language = info.split()[0].lower() if info else ""
        title_match = _TITLE.search(info)
        title = next((g for g in title_match.groups() if g), None) if title_match else None
        body: list[str] = []
        end = number + 1
        while end < len(lines):
            closing = lines[end].strip()
            if closing.startswith(fence[0] * len(fence)) and not closing.strip(fence[0]):
                break
            body.append(lines[end][len(indent) :] if lines[end].startswith(indent) else lines[end])
            end += 1
        else:
            problems.append(Problem(f"{page}:{number + 1}", "a fence that is never closed"))
        markers = _markers_before(lines, number)
        where = f"{page}:{number + 1}"
        if not language:
            problems.append(
                Problem(where, "a fence without a language: name it (python, sh, text...)")
            )
        elif language not in CODE | NOT_CODE:
            problems.append(
                Problem(where, f"language {language!r} is neither run ({sorted(CODE)}) nor text")
            )
        reason = markers.get("not-runnable")
        if "not-runnable" in markers and not reason:
            problems.append(Problem(where, "a `not runnable` marker without its reason"))
        continues = "continues" in markers
        if continues and language != "python":
            problems.append(Problem(where, "only a Python block can continue another"))
        if continues and not any(b.language == "python" for b in blocks):
            problems.append(Problem(where, "continues, but no Python block comes before it"))
        blocks.append(
            Block(
                page=page,
                line=number + 1,
                language=language,
                code="\n".join(body) + "\n",
                title=title,
                not_runnable=reason,
                continues=continues,
            )
        )
        number = end + 1
    return blocks, problems


def _markers_before(lines: list[str], fence: int) -> dict[str, str]:
    """The HTML-comment markers on the lines just before a fence (``not runnable`` is keyed
    ``not-runnable``)."""
    markers: dict[str, str] = {}
    number = fence - 1
    while number >= 0:
        line = lines[number]
        spaced = re.match(r"^\s*<!--\s*not runnable\s*(?::\s*(.*?))?\s*-->\s*$", line)
        if spaced:
            markers["not-runnable"] = (spaced.group(1) or "").strip()
        elif match := _MARKER.match(line):
            markers[match["name"]] = (match["value"] or "").strip()
        else:
            break
        number -= 1
    return markers


def page_blocks(page: Path) -> tuple[list[Block], list[Problem]]:
    return parse((ROOT / page).read_text(encoding="utf-8"), page.as_posix())


#: What a page says when each of its ``## `` sections runs on its own.
SECTIONS_STAND_ALONE = "<!-- doc blocks: each section stands alone -->"


@dataclass(frozen=True)
class Part:
    """What runs on its own: a page, or one ``## `` section of a page that says its sections
    stand alone. ``text`` is the page with every line outside the part blanked, so its blocks
    keep their page's line numbers."""

    page: Path
    section: str | None
    text: str

    @property
    def name(self) -> str:
        if self.section is None:
            return self.page.as_posix()
        slug = re.sub(r"[^a-z0-9]+", "-", self.section.lower()).strip("-")
        return f"{self.page.as_posix()}#{slug}"


def parts(page: Path) -> list[Part]:
    """The parts of a page that run on their own, in its order."""
    return split_parts((ROOT / page).read_text(encoding="utf-8"), page)


def split_parts(text: str, page: Path) -> list[Part]:
    """The parts of a page's Markdown ``text``: the page, or each of its ``## `` sections."""
    if SECTIONS_STAND_ALONE not in text:
        return [Part(page, None, text)]
    lines = text.splitlines()
    starts = [(0, None)] + [
        (number, lines[number][3:].strip())
        for number in _outside_fences(lines)
        if lines[number].startswith("## ")
    ]
    found = []
    for (start, title), (end, _) in zip(starts, [*starts[1:], (len(lines), None)], strict=True):
        kept = ["" if not start <= n < end else line for n, line in enumerate(lines)]
        found.append(Part(page, title or "(before the first section)", "\n".join(kept) + "\n"))
    return found


def _outside_fences(lines: list[str]) -> Iterator[int]:
    """The numbers of the lines that are not in a fenced block."""
    fence = ""
    for number, line in enumerate(lines):
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening["fence"]
            continue
        yield number


# -- the environment blocks run in -----------------------------------------------------------

_GUARD = '''\
"""Loaded by every Python process a doc block starts: no host but a loopback one resolves."""
import os
import socket

_resolve = socket.getaddrinfo
_ALLOWED = {allowed!r}


def _guarded(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name is not None and name not in _ALLOWED and not str(name).startswith("127."):
        with open(os.environ["DOC_BLOCKS_RESOLVED"], "a", encoding="utf-8") as log:
            log.write(f"{{name}}\\n")
        raise socket.gaierror(
            socket.EAI_NONAME, f"doc-block runner: {{name}} is not a loopback host"
        )
    return _resolve(host, *args, **kwargs)


socket.getaddrinfo = _guarded
'''


def is_loopback_name(host: object) -> bool:
    name = host.decode() if isinstance(host, bytes) else host
    return name is None or name in LOOPBACK_NAMES or str(name).startswith("127.")


@contextlib.contextmanager
def resolver_guard(log: Path) -> Iterator[None]:
    """Refuse, in this process, to resolve any host but a loopback one; record each in
    ``log``."""
    resolve = socket.getaddrinfo

    def guarded(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback_name(host):
            with log.open("a", encoding="utf-8") as file:
                file.write(f"{host!s}\n")
            raise socket.gaierror(socket.EAI_NONAME, f"doc-block runner: {host} is not loopback")
        return resolve(host, *args, **kwargs)

    socket.getaddrinfo = guarded
    try:
        yield
    finally:
        socket.getaddrinfo = resolve


def package_checkout() -> Path:
    """The folder this process imports aws_mlops_async from, which the processes a block
    starts import it from too: the code under test, whichever copy an editable install
    points at."""
    import aws_mlops_async

    return Path(aws_mlops_async.__file__).parents[1]


def base_environment(workdir: Path, guard_dir: Path, resolved_log: Path) -> dict[str, str]:
    """This process's environment less anything AWS, pip or pytest, with this venv's
    commands first on the PATH, the resolver guard loaded by every Python process (and the
    package imported from where this process imports it), pip kept
    off every index, and no AWS configuration or instance metadata read."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "PIP_", "PYTEST_", "PYTHON", "VIRTUAL_ENV"))
    }
    venv_bin = str(Path(sys.executable).parent)
    return {
        **kept,
        "PATH": f"{venv_bin}{os.pathsep}{kept.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join((str(guard_dir), str(package_checkout()))),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DOC_BLOCKS_RESOLVED": str(resolved_log),
        "AWS_CONFIG_FILE": str(workdir / ".aws-config-none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(workdir / ".aws-credentials-none"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "PIP_NO_INDEX": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "COLUMNS": "100",
    }


@contextlib.contextmanager
def emulator() -> Iterator[str]:
    """The emulator as ``python -m aws_mlops_async.local --port 0`` serves it (any credentials,
    any region, a free loopback port), served from a thread of this process, which has the
    package imported already (a process of its own costs a second of CPU a page); its URL."""
    from aws_mlops_async.local import LocalAws

    endpoint = LocalAws(verify_signatures=False)
    loop = asyncio.new_event_loop()
    serving = threading.Thread(target=loop.run_forever, daemon=True)
    serving.start()
    try:
        asyncio.run_coroutine_threadsafe(endpoint.start(), loop).result(BLOCK_TIMEOUT)
        yield endpoint.url
    finally:
        with contextlib.suppress(Exception):  # it never started: nothing to stop
            asyncio.run_coroutine_threadsafe(endpoint.stop(), loop).result(BLOCK_TIMEOUT)
        loop.call_soon_threadsafe(loop.stop)
        serving.join(BLOCK_TIMEOUT)
        loop.close()


def _first_line(process: subprocess.Popen[str], what: str) -> str:
    """The first line a server prints (its URL), within `BLOCK_TIMEOUT`."""
    assert process.stdout is not None
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.daemon = True
    reader.start()
    reader.join(BLOCK_TIMEOUT)
    line = found[0].strip() if found else ""
    if not line.startswith("http://"):
        _stop(process)
        stderr = process.stderr.read() if process.stderr else ""
        raise BlockFailed(f"{what} printed no URL: {line!r} {stderr.strip()[-2000:]}")
    return line


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
    else:
        process.communicate()


class BlockFailed(Exception):
    """A block did not run as written."""


# -- running a page --------------------------------------------------------------------------


@dataclass
class Outcome:
    block: Block
    status: str  #: "ran", "marked", "text" or "failed"
    detail: str = ""
    seconds: float = 0.0


@dataclass
class PageRun:
    """Runs a page's blocks in order, in ``workdir``, against the emulator ``start_emulator``
    starts (on the first Python or shell block: a page of JSON and text needs none)."""

    page: str
    workdir: Path
    env: dict[str, str]
    resolved_log: Path
    start_emulator: Callable[[], None]
    _emulator_started: bool = False
    outcomes: list[Outcome] = field(default_factory=list)
    _chain: _PythonChain | None = None
    _servers: list[subprocess.Popen[str]] = field(default_factory=list)
    _locks: list[Any] = field(default_factory=list)

    def run(self, blocks: list[Block]) -> list[Outcome]:
        try:
            for block in blocks:
                started = time.monotonic()
                outcome = self._run_one(block)
                outcome.seconds = time.monotonic() - started
                self.outcomes.append(outcome)
        finally:
            self._end_chain()
            for server in self._servers:
                _stop(server)
            for lock in self._locks:
                lock.close()  # releases the flock
        return self.outcomes

    def _run_one(self, block: Block) -> Outcome:
        if block.language in NOT_CODE:
            return Outcome(block, "text")
        if block.not_runnable is not None:
            return Outcome(block, "marked", block.not_runnable)
        seen = self.resolved_log.read_text() if self.resolved_log.exists() else ""
        failure = ""
        try:
            if block.language == "python" or block.language in SHELLS:
                self._emulator()
            if block.language == "python":
                self._python(block)
            elif block.language in SHELLS:
                self._shell(block)
            elif block.language in {"jsonl", "json"}:
                self._json(block)
            else:  # refused by parse
                raise BlockFailed(f"no way to run a {block.language!r} block")
        except BlockFailed as failed:
            failure = str(failed)
        resolved = self.resolved_log.read_text() if self.resolved_log.exists() else ""
        if resolved != seen:  # whether or not the block went on without an answer
            hosts = sorted(set(resolved[len(seen) :].split()))
            failure = f"tried to resolve {', '.join(hosts)}, which is not loopback\n{failure}"
        return Outcome(block, "failed", failure) if failure else Outcome(block, "ran")

    def _emulator(self) -> None:
        if not self._emulator_started:
            self._emulator_started = True
            self.start_emulator()

    # Python

    def _python(self, block: Block) -> None:
        try:
            tree = ast.parse(block.code, filename=block.where)
        except SyntaxError as error:
            raise BlockFailed(f"not Python: {error}") from None
        if any(
            isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.name.startswith("test_")
            for node in tree.body
        ):
            if block.continues:
                raise BlockFailed("a test file cannot continue another block")
            self._end_chain()
            self._pytest(block)
            return
        if not block.continues:
            self._end_chain()
        if self._chain is None:
            self._chain = _PythonChain(self.env)
        self._chain.run(block)

    def _end_chain(self) -> None:
        if self._chain is not None:
            chain, self._chain = self._chain, None
            chain.close()

    def _pytest(self, block: Block) -> None:
        name = f"test_{Path(block.page).stem.replace('-', '_')}_{block.line}.py"
        (self.workdir / name).write_text(block.code, encoding="utf-8")
        # A user's project: none of this repository's configuration or its own dev plugins.
        plugins = ("cacheprovider", "randomly", "xdist", "hypothesispytest")
        command = [sys.executable, "-m", "pytest", "-q", "-W", "error"]
        command += [f"-pno:{plugin}" for plugin in plugins]
        result = self._subprocess([*command, name])
        if result.returncode != 0 or " passed" not in result.stdout:
            raise BlockFailed(f"pytest {name}:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")

    # shell

    def _shell(self, block: Block) -> None:
        for command in shell_commands(block):
            if _SERVER.match(command):
                self._server(command.rstrip().removesuffix("&").rstrip())
                continue
            if _PIP_INSTALL.match(command):
                check_installed(command)
                continue
            env_file = self.workdir / ".doc-blocks-env"
            script = f"set -eo pipefail\n{command}\nenv -0 > {shlex.quote(str(env_file))}\n"
            result = self._subprocess(["bash", "-c", script])
            if result.returncode != 0:
                raise BlockFailed(
                    f"`{command}` exited {result.returncode}:\n{result.stdout[-2000:]}\n"
                    f"{result.stderr[-2000:]}"
                )
            self._keep_exports(env_file)

    def _keep_exports(self, env_file: Path) -> None:
        after = dict(
            entry.split("=", 1) for entry in env_file.read_text().split("\0") if "=" in entry
        )
        env_file.unlink()
        for name in ("_", "SHLVL", "PWD", "OLDPWD"):
            after.pop(name, None)
            self.env.pop(name, None)
        self.env.clear()
        self.env.update(after)

    def _server(self, command: str) -> None:
        """A server: started in the background, its URL awaited, stopped at the page's end.
        On the default port, the page waits until no other page of this machine holds it."""
        words = shlex.split(command)
        if "--port" not in words and not any(word.startswith("--port=") for word in words):
            self._hold_default_port()
        process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._servers.append(process)
        _first_line(process, f"`{command}`")

    def _hold_default_port(self) -> None:
        path = Path(tempfile.gettempdir()) / f"aws-mlops-async-doc-blocks-{DEFAULT_PORT}.lock"
        lock = path.open("a")
        deadline = time.monotonic() + BLOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    lock.close()
                    raise BlockFailed(f"port {DEFAULT_PORT} stayed held by another run") from None
                time.sleep(0.2)
        self._locks.append(lock)

    def _subprocess(self, command: list[str]) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                command,
                cwd=self.workdir,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=BLOCK_TIMEOUT,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BlockFailed(f"{command[-1]!r} took more than {BLOCK_TIMEOUT:.0f} s") from None

    # JSON

    def _json(self, block: Block) -> None:
        try:
            if block.language == "json":
                records = [json.loads(block.code)]
            else:
                records = [json.loads(line) for line in block.code.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise BlockFailed(f"not {block.language}: {error}") from None
        if block.language == "jsonl" and not all(isinstance(r, dict) for r in records):
            raise BlockFailed("a JSON Lines file of jobs or records holds one object a line")
        if block.title is None:
            return
        path = self.workdir / block.title
        if not path.exists():
            path.write_text(block.code, encoding="utf-8")
            return
        written = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if len(written) != len(records):
            raise BlockFailed(
                f"{block.title} holds {len(written)} records, the doc shows {len(records)}"
            )
        for number, shown in enumerate(records, 1):  # in any order: outcomes come as they end
            mismatches = [json_mismatch(shown, actual) for actual in written]
            if None not in mismatches:
                raise BlockFailed(
                    f"{block.title}: no record is the doc's record {number}: "
                    + "; ".join(m for m in mismatches if m)
                )
            del written[mismatches.index(None)]


def json_mismatch(shown: Any, actual: Any, path: str = "") -> str | None:
    """Where ``actual`` differs from what a doc ``shown``: None when it matches (``"..."``
    matches anything, ``"text..."`` any string beginning with ``text``)."""
    if shown == "...":
        return None
    if isinstance(shown, str) and shown.endswith("...") and isinstance(actual, str):
        return None if actual.startswith(shown[:-3]) else f"{path or 'value'}: {actual!r}"
    if isinstance(shown, dict) and isinstance(actual, dict):
        if set(shown) != set(actual):
            return f"{path or 'record'} has keys {sorted(actual)}, the doc shows {sorted(shown)}"
        for key in shown:
            found = json_mismatch(shown[key], actual[key], f"{path}.{key}" if path else key)
            if found is not None:
                return found
        return None
    return None if shown == actual else f"{path or 'value'} is {actual!r}, the doc shows {shown!r}"


def check_installed(command: str) -> None:
    """A ``pip install`` as it would end here, without an index: each requirement installed at
    a version it allows, and each extra it names declared by its package, with everything the
    extra requires installed (pip itself only warns about an extra a package lacks)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    words = shlex.split(command, comments=True)
    names = words[words.index("install") + 1 :]
    if not names or any(word.startswith("-") for word in names):
        raise BlockFailed(f"`{command}`: only package names are checked, not options")
    for text in names:
        requirement = Requirement(text)
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise BlockFailed(f"`{command}`: {requirement.name} is not installed") from None
        if not requirement.specifier.contains(dist.version, prereleases=True):
            raise BlockFailed(f"`{command}`: {requirement.name} {dist.version} is installed")
        declared = set(dist.metadata.get_all("Provides-Extra") or [])
        for extra in sorted(requirement.extras):
            if extra not in declared:
                raise BlockFailed(f"`{command}`: {requirement.name} has no extra [{extra}]")
            for needed in map(Requirement, dist.requires or []):
                if needed.marker is None or not needed.marker.evaluate({"extra": extra}):
                    continue
                try:
                    version = metadata.version(needed.name)
                except metadata.PackageNotFoundError:
                    raise BlockFailed(
                        f"`{command}`: {needed.name}, which [{extra}] requires, is not installed"
                    ) from None
                if not needed.specifier.contains(version, prereleases=True):
                    raise BlockFailed(f"`{command}`: [{extra}] wants {needed}, not {version}")


def shell_commands(block: Block) -> list[str]:
    """A shell block's commands: its lines, continued lines joined, blank lines and comment
    lines left out (a ``console`` block: the lines after ``$ ``)."""
    lines = block.code.splitlines()
    if block.language == "console":
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    commands: list[str] = []
    current = ""
    for line in lines:
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        commands.append(current + line)
        current = ""
    if current:
        commands.append(current)
    return commands


class _PythonChain:
    """Python blocks that go on from one another: one namespace, one event loop for their
    fragments and the ``session`` given to them; each block on a thread of its own."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.session: Any = None  #: the Session given to fragments, once one asks

    def run(self, block: Block) -> None:
        code = compile(
            block.code, block.where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
        )
        if code.co_flags & inspect.CO_COROUTINE:
            self._on_thread(lambda: self._fragment(code), block)
        else:
            self._on_thread(lambda: exec(code, self.namespace), block)
        app = self.namespace.get("app")
        if type(app).__name__ == "FastAPI":
            self._on_thread(lambda: asyncio.run(_start_and_stop(app)), block)
            del self.namespace["app"]

    def _fragment(self, code: Any) -> None:
        if self.loop is None:
            self.loop = asyncio.new_event_loop()
        if self.session is None:
            from aws_mlops_async import Session

            async def opened() -> Any:
                return await Session().__aenter__()

            self.session = self.loop.run_until_complete(opened())
            self.namespace.setdefault("session", self.session)
        awaitable = eval(code, self.namespace)  # a coroutine, as python -m asyncio runs it
        self.loop.run_until_complete(asyncio.wait_for(awaitable, BLOCK_TIMEOUT))

    def close(self) -> None:
        loop, self.loop = self.loop, None
        if loop is None:
            return
        session = self.session

        def closing() -> None:
            if session is not None:
                loop.run_until_complete(session.close())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._on_thread(closing, None)

    def _on_thread(self, work: Callable[[], object], block: Block | None) -> None:
        failure: list[BaseException] = []

        def target() -> None:
            try:
                with _environment(self.env):
                    work()
            except BaseException as error:
                failure.append(error)

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        thread.join(BLOCK_TIMEOUT + 5)
        what = block.where if block else "closing the given session"
        if thread.is_alive():
            raise BlockFailed(f"{what} took more than {BLOCK_TIMEOUT:.0f} s")
        if failure:
            error = failure[0]
            if isinstance(error, SystemExit) and error.code in (0, None):
                return
            raise BlockFailed(
                f"{type(error).__name__}: {error}\n{_traceback_in(error, what)}"
            ) from error


def _traceback_in(error: BaseException, where: str) -> str:
    """The lines of the block ``error`` went through, as lines of its page."""
    page, _, fence = where.rpartition(":")
    frames = []
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == where:
            frames.append(f"  at {page}:{int(fence) + tb.tb_lineno}")
        tb = tb.tb_next
    return "\n".join(frames)


async def _start_and_stop(app: Any) -> None:
    async with app.router.lifespan_context(app):
        pass


_environment_lock = threading.Lock()


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """This process's environment is ``env`` while a block runs."""
    with _environment_lock:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(env)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)


def run_page(text: str, page: str, workdir: Path) -> list[Outcome]:
    """Every block of a page (its Markdown ``text``), run in ``workdir`` against an emulator
    started for it; a `BlockFailed` when the page's fences or markers are wrong."""
    blocks, problems = parse(text, page)
    if problems:
        raise BlockFailed("\n".join(str(problem) for problem in problems))
    guard_dir = workdir / ".doc-blocks-guard"
    guard_dir.mkdir(parents=True, exist_ok=True)
    (guard_dir / "sitecustomize.py").write_text(
        _GUARD.format(allowed=sorted(LOOPBACK_NAMES)), encoding="utf-8"
    )
    resolved_log = workdir / ".doc-blocks-resolved"
    (workdir / "examples").symlink_to(ROOT / "examples")  # as in a clone's folder
    env = base_environment(workdir, guard_dir, resolved_log)
    with contextlib.ExitStack() as emulators, resolver_guard(resolved_log):

        def start_emulator() -> None:
            url = emulators.enter_context(emulator())
            env.update(
                {
                    "AWS_ENDPOINT_URL": url,
                    "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_ACCESS_KEY_ID": "test",
                    "AWS_SECRET_ACCESS_KEY": "test",
                }
            )

        return PageRun(page, workdir, env, resolved_log, start_emulator).run(blocks)


def summary(outcomes: list[Outcome]) -> str:
    ran = sum(o.status == "ran" for o in outcomes)
    marked = [o for o in outcomes if o.status == "marked"]
    seconds = sum(o.seconds for o in outcomes)
    text = f"{ran} run, {len(marked)} marked not runnable, in {seconds:.1f} s"
    slowest = max(outcomes, key=lambda o: o.seconds, default=None)
    if slowest is not None:
        text += f" (slowest {slowest.block.where}, {slowest.seconds:.1f} s)"
    if marked:
        text += ": " + "; ".join(f"{o.block.where} ({o.detail})" for o in marked)
    return text


def failures(outcomes: list[Outcome]) -> str:
    return "\n\n".join(
        f"{o.block.where} ({o.block.language}):\n{textwrap.indent(o.detail, '    ')}"
        for o in outcomes
        if o.status == "failed"
    )
