"""Attack 22: sensitive members on their way out of a process, outside a model."""

from __future__ import annotations

import copy
import pickle

import pytest

from aws_mlops_async.services.datazone.models import StartNotebookRunInput

SECRET = "hunter2-do-not-leak"


def _request() -> StartNotebookRunInput:
    return StartNotebookRunInput.model_validate(
        {
            "domain_identifier": "dzd_1",
            "owning_project_identifier": "project",
            "notebook_identifier": "notebook",
            "parameters": {"password": SECRET},
            "metadata": {"token": SECRET},
        }
    )


@pytest.mark.timeout(30)
def test_a_pickled_model_dump_masks_sensitive_members() -> None:
    """FINDINGS22 #10 (fixed). README: masked in model_dump() and in pickles. A route
    caching ``model_dump()`` (a pickling cache, a multiprocessing queue) sent the sensitive
    values out in clear."""
    dumped = _request().model_dump()
    assert SECRET.encode() not in pickle.dumps(dumped)
    assert SECRET.encode() not in pickle.dumps(dumped["parameters"])
    assert SECRET.encode() not in pickle.dumps(dumped["metadata"])


@pytest.mark.timeout(30)
def test_copies_in_process_keep_sensitive_values() -> None:
    """What the fix must not break: a copy in the same process keeps the value."""
    request = _request()
    for copied in (copy.copy(request), copy.deepcopy(request)):
        assert copied.parameters is not None and copied.metadata is not None
        assert copied.parameters.get_secret_value() == {"password": SECRET}
        assert copied.metadata["token"].get_secret_value() == SECRET
    assert copy.deepcopy(request.model_dump())["parameters"].get_secret_value() == {
        "password": SECRET
    }
