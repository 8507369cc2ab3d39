"""Attacks on the typed request models and the one `ValidationError` (FINDINGS25.md): a
request built every way a user builds one must fail with `aws_mlops_async.ValidationError`
naming the right field, and a sensitive member must stay masked however it got there."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydantic
import pytest
from multidict import CIMultiDict

import aws_mlops_async
from aws_mlops_async import Session, ValidationError
from aws_mlops_async.ext.training_model import TrainingPayload
from aws_mlops_async.protocol import HttpResponse
from aws_mlops_async.services.datazone.models import StartNotebookRunInput
from aws_mlops_async.services.sagemaker import operations
from aws_mlops_async.services.sagemaker.models import DescribeTrainingJobRequest, ResourceConfig
from aws_mlops_async.transport import MockTransport, TransportRequest

NOTEBOOK: dict[str, Any] = {
    "domain_identifier": "dzd_abc123",
    "owning_project_identifier": "abc123",
    "notebook_identifier": "abc123",
}
SECRET = "TOPSECRET-VALUE"


def described(request: TransportRequest) -> HttpResponse:
    headers = CIMultiDict({"content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "r"})
    return HttpResponse(200, headers, json.dumps({"TrainingJobName": "j"}).encode())


# -- #6: model_validate_json / model_validate_strings ----------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("model", "text"),
    [
        (ResourceConfig, '{"InstanceCount": "two", "InstanceType": "ml.m5.large"}'),
        (TrainingPayload, '{"TrainingJobName": 5}'),
        (TrainingPayload, '{"TrainingJobName'),
    ],
)
def test_model_validate_json_raises_the_librarys_validation_error(
    model: type[pydantic.BaseModel], text: str
) -> None:
    """A payload kept in a JSON file is loaded with ``model_validate_json``: its errors are the
    library's `ValidationError`, as the constructor's and ``model_validate``'s are."""
    with pytest.raises(ValidationError):
        model.model_validate_json(text)


@pytest.mark.timeout(30)
def test_model_validate_strings_raises_the_librarys_validation_error() -> None:
    with pytest.raises(ValidationError):
        ResourceConfig.model_validate_strings({"InstanceCount": "two"})


# -- #7: a sensitive member set after the model was made --------------------------------------


def _shown(model: pydantic.BaseModel) -> list[str]:
    """Where the secret shows: each way the README promises it never does."""
    shows = {
        "repr": repr(model),
        "str": str(model),
        "model_dump": repr(model.model_dump()),
        "model_dump_json": model.model_dump_json(),
        "pickle": pickle.dumps(model).decode("latin-1"),
    }
    return [name for name, text in shows.items() if SECRET in text]


@pytest.mark.timeout(30)
def test_a_sensitive_member_given_to_the_constructor_is_masked() -> None:
    """What holds: the constructor's secret never shows."""
    assert (
        _shown(StartNotebookRunInput.model_validate({**NOTEBOOK, "parameters": {"k": SECRET}}))
        == []
    )


@pytest.mark.timeout(30)
def test_a_sensitive_member_given_to_model_copy_is_masked() -> None:
    made = StartNotebookRunInput.model_validate({**NOTEBOOK, "parameters": {"k": "v"}})
    assert _shown(made.model_copy(update={"parameters": {"k": SECRET}})) == []


@pytest.mark.timeout(30)
def test_a_sensitive_member_set_as_an_attribute_is_masked() -> None:
    made = StartNotebookRunInput.model_validate(NOTEBOOK)
    made.parameters = {"k": SECRET}
    assert _shown(made) == []


# -- #11: a wire name given to model_copy ------------------------------------------------------


@pytest.mark.timeout(30)
async def test_a_wire_name_given_to_model_copy_is_named_as_given() -> None:
    """``model_copy(update={"TrainingJobName": 5})`` leaves ``training_job_name`` a valid str
    and adds a member by its wire name: the error must name what is wrong once, not say
    twice that ``training_job_name`` (which holds "j") is invalid."""
    request = DescribeTrainingJobRequest(training_job_name="j")
    changed = request.model_copy(update={"TrainingJobName": 5})
    transport = MockTransport(described)
    session = Session(
        region_name="us-east-1",
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="SECRETKEYVALUE",
        transport=transport,
    )
    async with session:
        with pytest.raises(ValidationError) as raised:
            await session.sagemaker.invoke(operations.DESCRIBE_TRAINING_JOB, changed)
    assert transport.requests == []
    fields: list[Any] = [problem.field for problem in raised.value.problems]
    assert len(fields) == len(set(fields)), fields
    # The wire name is taken as the constructor takes it: the copy holds 5 where it was put.
    assert changed.training_job_name == 5
    assert fields == ["training_job_name"]


# -- #14: a sensitive member's constructor argument, as mypy --strict sees it ------------------

TYPED = """
from aws_mlops_async.services.datazone.models import StartNotebookRunInput

StartNotebookRunInput(
    domain_identifier="dzd_abc123",
    owning_project_identifier="abc123",
    notebook_identifier="abc123",
    parameters={"k": "v"},
    metadata={"m": "v"},
)
"""


@pytest.mark.typecheck
@pytest.mark.timeout(300)
def test_a_sensitive_members_constructor_argument_type_checks(tmp_path: Path) -> None:
    """The constructor takes ``parameters={"k": "v"}`` as it runs; mypy --strict (without the
    pydantic plugin) must take it too: "constructors that type-check as they run"."""
    StartNotebookRunInput.model_validate({**NOTEBOOK, "parameters": {"k": "v"}})  # it runs
    (tmp_path / "typed.py").write_text(TYPED)
    package_root = Path(aws_mlops_async.__file__).resolve().parent.parent
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            # The oldest CPython supported, whichever runs the check (as the typing tests).
            "--python-version",
            "3.10",
            "--cache-dir",
            str(tmp_path / "cache"),
            "typed.py",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(package_root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout


# -- #16: the size of a ValidationError's text --------------------------------------------------


@pytest.mark.timeout(60)
def test_a_validation_errors_text_stays_bounded() -> None:
    """One 1 MB map key makes a 2 MB message (the key shown twice), 100,000 bad values a 5 MB
    one: a log line, a Sentry event, an HTTP 422 body. A service error keeps 64 KiB of a body
    at most; a validation error's text should be bounded too (the problems stay whole)."""
    from aws_mlops_async.services.sagemaker.models import CreateTrainingJobRequest

    for environment in ({"K" * 1_000_000: 5}, {f"k{n}": n for n in range(100_000)}):
        with pytest.raises(ValidationError) as raised:
            CreateTrainingJobRequest.model_validate({"environment": environment})
        assert len(str(raised.value)) <= 64 * 1024
        assert len(raised.value.problems) >= len(environment)  # the problems stay whole
