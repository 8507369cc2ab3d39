"""What each instance of an emulated SageMaker training job prints, line by line: a pure
function of the job's request and outcome and of the line's index, so no line is ever stored.

An instance prints, in order:

- a start banner of `BANNER_LINES` lines, as SageMaker's training toolkit writes it (``Invoking
  user script``, ``Training Env: {...}`` with the hyperparameters, ``Invoking script with the
  following command:`` and the command itself);
- one line per epoch, ``epoch 3/20 - loss: 0.4123 - accuracy: 0.8512 - val_loss: 0.4511 -
  val_accuracy: 0.8402``, the values drawn from the job's name (the same job prints the same
  losses every time); the number of epochs is the job's ``epochs`` hyperparameter, else
  `DEFAULT_EPOCHS`;
- how it ended: `COMPLETED_LINES` lines saving the model and reporting success; or, for a job
  that fails, the epochs stop partway and `TRACEBACK_LINES` lines of a Python traceback follow,
  whose last line is the job's FailureReason (``RuntimeError: ...`` unless the reason names its
  exception); a stopped job's output is cut by `Script.sigterm`.

So an instance of a job that completes prints ``epochs + 7`` lines (``epochs=9993`` makes
10,000), or the number the emulator's ``training_log_lines`` asks for (at least `MIN_LINES`):
that many lines are then ``lines - 7`` epochs, whatever the hyperparameters say.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

__all__ = [
    "BANNER_LINES",
    "COMPLETED_LINES",
    "DEFAULT_EPOCHS",
    "MAX_EPOCHS",
    "MIN_LINES",
    "TRACEBACK_LINES",
    "Script",
    "draw",
    "exception_line",
    "instance_count",
]

#: Epochs a job runs when its hyperparameters have no ``epochs`` (a positive integer).
DEFAULT_EPOCHS = 10
#: The most epochs a job runs, whatever its ``epochs`` hyperparameter says.
MAX_EPOCHS = 10_000_000
#: Lines of the start banner, before the first epoch.
BANNER_LINES = 5
#: Lines after the last epoch of a job that completes.
COMPLETED_LINES = 2
#: Lines of the traceback a failing job ends with, its FailureReason last.
TRACEBACK_LINES = 8
#: The fewest lines an instance of a job that completes prints: the banner, an epoch, the end.
MIN_LINES = BANNER_LINES + 1 + COMPLETED_LINES

_TOOLKIT = "sagemaker-training-toolkit"
_DEFAULT_PROGRAM = "train.py"
_NAMED_EXCEPTION = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit): ")
_REASON_PREFIX = "AlgorithmError: "


@dataclass(frozen=True)
class Script:
    """The output of instance ``instance`` (1-based) of ``instances`` of training job
    ``job_name``; ``failure`` is the last line of its traceback when it fails (None: it
    completes)."""

    job_name: str
    instance: int
    instances: int
    epochs: int
    program: str
    hyperparameters: tuple[tuple[str, str], ...]
    failure: str | None = None

    @classmethod
    def of(
        cls,
        job_name: str,
        request: Mapping[str, Any],
        failure_reason: str | None,
        instance: int,
        lines: int | None = None,
    ) -> Script:
        """The script of ``instance`` of the job ``job_name`` created with ``request`` (its
        CreateTrainingJob request by wire name), failing with ``failure_reason`` if that is
        set; ``lines`` (at least `MIN_LINES`) sets how many lines it prints if it completes,
        in place of its ``epochs`` hyperparameter."""
        hyperparameters = {
            str(key): str(value) for key, value in (request.get("HyperParameters") or {}).items()
        }
        return cls(
            job_name=job_name,
            instance=instance,
            instances=instance_count(request),
            epochs=(
                _epochs(hyperparameters.get("epochs"))
                if lines is None
                else max(lines, MIN_LINES) - BANNER_LINES - COMPLETED_LINES
            ),
            program=_unquoted(hyperparameters.get("sagemaker_program")) or _DEFAULT_PROGRAM,
            hyperparameters=tuple(sorted(hyperparameters.items())),
            failure=None if failure_reason is None else exception_line(failure_reason),
        )

    @cached_property
    def epochs_run(self) -> int:
        """The epochs it prints: all of them, or for a failing job those before the crash
        (at least half, drawn from the job's name)."""
        if self.failure is None:
            return self.epochs
        half = (self.epochs + 1) // 2
        return half + int(draw(self.job_name, "crash") * (self.epochs - half + 1))

    @cached_property
    def length(self) -> int:
        """How many lines it prints when it runs to its end."""
        ending = COMPLETED_LINES if self.failure is None else TRACEBACK_LINES
        return BANNER_LINES + self.epochs_run + ending

    def line(self, index: int) -> str:
        """Line ``index`` (0-based, below `length`)."""
        if not 0 <= index < self.length:
            raise IndexError(f"line {index} of {self.length}")
        if index < BANNER_LINES:
            return self._banner(index)
        epoch = index - BANNER_LINES + 1
        if epoch <= self.epochs_run:
            return self._epoch(epoch)
        ending = index - BANNER_LINES - self.epochs_run
        return self._completed(ending) if self.failure is None else self._traceback(ending)

    def sigterm(self) -> str:
        """The last line of an instance whose job was stopped."""
        return f"{_TOOLKIT} INFO     Received SIGTERM: the training job is stopping; exiting."

    def _banner(self, index: int) -> str:
        hosts = [f"algo-{n}" for n in range(1, self.instances + 1)]
        shown = dict(self.hyperparameters)
        arguments = "".join(
            f" --{key} {value}"
            for key, value in self.hyperparameters
            if not key.startswith("sagemaker_")
        )
        return (
            f"{_TOOLKIT} INFO     Invoking user script",
            "Training Env: "
            + json.dumps(
                {
                    "current_host": f"algo-{self.instance}",
                    "hosts": hosts,
                    "hyperparameters": shown,
                    "job_name": self.job_name,
                },
                sort_keys=True,
            ),
            "Invoking script with the following command:",
            f"/opt/conda/bin/python3 {self.program}{arguments}",
            f"Training for {self.epochs} epochs on algo-{self.instance} of {len(hosts)}",
        )[index]

    @cached_property
    def _loss_curve(self) -> tuple[float, float]:
        """Where the job's loss starts and the floor it decays towards."""
        return 1.5 + draw(self.job_name, "start"), 0.05 + 0.2 * draw(self.job_name, "floor")

    def _epoch(self, epoch: int) -> str:
        start, floor = self._loss_curve
        decay = math.exp(-4.0 * epoch / self.epochs)
        noise, gap = draws(self.job_name, self.instance, epoch)
        loss = (floor + (start - floor) * decay) * (0.95 + 0.1 * noise)
        val_loss = loss * (1.02 + 0.08 * gap)
        return (
            f"epoch {epoch}/{self.epochs} - loss: {loss:.4f} - accuracy: {_accuracy(loss):.4f}"
            f" - val_loss: {val_loss:.4f} - val_accuracy: {_accuracy(val_loss):.4f}"
        )

    def _completed(self, index: int) -> str:
        return (
            "Training complete; saving the model to /opt/ml/model",
            f"{_TOOLKIT} INFO     Reporting training SUCCESS",
        )[index]

    def _traceback(self, index: int) -> str:
        lines = [int(40 + 200 * draw(self.job_name, "line", n)) for n in range(3)]
        where = f'  File "/opt/ml/code/{self.program}", line'
        return (
            "Traceback (most recent call last):",
            f"{where} {lines[0] + 200}, in <module>",
            "    main()",
            f"{where} {lines[1] + 100}, in main",
            "    train_one_epoch(model, loader, optimizer)",
            f"{where} {lines[2]}, in train_one_epoch",
            "    loss.backward()",
            str(self.failure),
        )[index]


def exception_line(failure_reason: str) -> str:
    """The last line of the traceback behind ``failure_reason``: the reason on one line,
    without its ``AlgorithmError: `` prefix, as the exception it names (``ValueError: ...``),
    else as a ``RuntimeError``."""
    text = " ".join(failure_reason.split()).removeprefix(_REASON_PREFIX).strip()
    text = text or "The training job failed."
    return text if _NAMED_EXCEPTION.match(text) else f"RuntimeError: {text}"


def instance_count(request: Mapping[str, Any]) -> int:
    """The instances a training job runs on: ResourceConfig's InstanceCount, or the sum of
    its InstanceGroups' counts (1 when the request names none)."""
    config = request.get("ResourceConfig") or {}
    groups = config.get("InstanceGroups")
    count = (
        sum(int(group.get("InstanceCount") or 0) for group in groups)
        if groups
        else int(config.get("InstanceCount") or 1)
    )
    return max(count, 1)


def _epochs(value: str | None) -> int:
    """The ``epochs`` hyperparameter as a count: a positive integer (JSON-quoted or not), at
    most `MAX_EPOCHS`; `DEFAULT_EPOCHS` for anything else."""
    text = _unquoted(value)
    if text is None or not text.isdigit() or int(text) < 1:
        return DEFAULT_EPOCHS
    return min(int(text), MAX_EPOCHS)


def _unquoted(value: str | None) -> str | None:
    """A hyperparameter's text, without the JSON quotes SageMaker's SDK puts around strings."""
    if value is None:
        return None
    text = value.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            decoded = json.loads(text)
        except ValueError:
            return text
        return decoded if isinstance(decoded, str) else text
    return text


def _accuracy(loss: float) -> float:
    return 1.0 / (1.0 + loss)


def draw(*parts: object) -> float:
    """A number in [0, 1) drawn from ``parts`` (the same parts, the same number)."""
    return draws(*parts)[0]


def draws(*parts: object) -> tuple[float, float]:
    """Two numbers in [0, 1) drawn from ``parts`` with one hash (an epoch line is made per
    read, so this is on the hot path of a page of 10,000 events)."""
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=16).digest()
    return int.from_bytes(digest[:8], "big") / 2**64, int.from_bytes(digest[8:], "big") / 2**64
