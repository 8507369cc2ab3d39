"""The generator checks a registry entry's `extension` (a missing class is a GenerationError)
but not its `preparations`:

1. `preparations={"SubmitServiceJob": "aws_mlops_async.ext.nope.prepare_submission"}` (a
   module that does not exist) or `...training_payload.nope` (no such function) is generated
   as `prepare_with="..."` without a word; the first SubmitServiceJob call then raises a raw
   `ModuleNotFoundError: No module named 'aws_mlops_async.ext.nope'` / `AttributeError`
   (not an AwsError), and every bulk job makes the run fail with BulkRunError.
2. A preparation keyed by an operation the service does not bind (a typo:
   "SubmitServiceJobs") is dropped silently: the typed training payload is no longer checked
   and nothing says so.
3. An `extension` that is not a subclass of the generated client
   ("aws_mlops_async.ext.watching.ServiceJobWatch") is generated as the class session.batch
   hands out.

Promise (docs/architecture.md): the generator refuses what it cannot code, "naming ... the
registry entry to add", refuses "a correction no generated waiter needs"; registry.py:
`extension` is "a hand-written subclass of the generated one"; README: a call raises an
AwsError and nothing else.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest
from attack_support import JOB, mock_session

from aws_mlops_async import AwsError
from aws_mlops_async.services.batch import operations

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import generate_services  # noqa: E402
import registry  # noqa: E402
from generator import GenerationError  # noqa: E402

BATCH = next(service for service in registry.SERVICES if service.name == "batch")
PREPARE = "aws_mlops_async.ext.training_payload.prepare_submission"


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "changes",
    [
        {"preparations": {"SubmitServiceJob": "aws_mlops_async.ext.nope.prepare_submission"}},
        {"preparations": {"SubmitServiceJob": "aws_mlops_async.ext.training_payload.nope"}},
        {"preparations": {"SubmitServiceJobs": PREPARE}},
        {"extension": "aws_mlops_async.ext.watching.ServiceJobWatch"},
    ],
    ids=["no such module", "no such function", "no such operation", "not a client class"],
)
def test_the_generator_refuses_a_wrong_registry_path(
    changes: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = dataclasses.replace(BATCH, **changes)
    services = tuple(batch if s.name == "batch" else s for s in registry.SERVICES)
    monkeypatch.setattr(generate_services, "SERVICES", services)
    with pytest.raises(GenerationError):
        generate_services.generate()


@pytest.mark.timeout(30)
async def test_a_wrong_preparation_path_is_an_aws_error_at_call_time() -> None:
    spec = dataclasses.replace(
        operations.SUBMIT_SERVICE_JOB, prepare_with="aws_mlops_async.ext.nope.prepare_submission"
    )
    async with mock_session() as session:
        try:
            await session.batch.invoke(spec, JOB)
        except Exception as error:
            print("raised:", type(error).__name__, error)
            assert isinstance(error, AwsError)
