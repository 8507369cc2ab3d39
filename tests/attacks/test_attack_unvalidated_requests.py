"""Requests that reach the wire without validation.

Promise (README): "Every call is validated before it is sent"; "a request member takes exactly
its modeled type ... anything else is a ValidationError before anything is sent"; invoke:
"(a request model, or its fields): validated and its token filled (`build_request`)".

1. A request model changed after it was built (pydantic models are mutable; no
   validate_assignment) or made with model_construct is sent as it is:
   scheduling_priority = "5" -> body `"schedulingPriority":"5"` (and a pydantic serializer
   UserWarning, which under `-W error` is what the caller gets); scheduling_priority = 10**9
   (bounds 0..9999) sent; service_job_type = "NOT_A_TYPE" sent; a model_construct'ed request
   missing jobQueue, serviceJobType and the payload sent as `{"jobName":"x",...}`.
   Same through submit_service_jobs (a bulk job given as a model).

2. A paginator's `PaginationConfig(starting_token=...)` is put into the request with
   `model_copy`, never validated: an int gives a raw `AttributeError: 'int' object has no
   attribute 'encode'`; a 100,000-character token or one with a newline (SageMaker's NextToken:
   max 8192, no line terminators) is sent; a resume token decoding to {"token": {"a": 1}} sends
   `"NextToken":{"a":1}`.
"""

from __future__ import annotations

import base64
import json
import warnings
from typing import Any

import pytest
from attack_support import JOB, answer, mock_session

from aws_mlops_async import ValidationError
from aws_mlops_async.pagination import PaginationConfig
from aws_mlops_async.services.batch import operations
from aws_mlops_async.services.batch.models import SubmitServiceJobRequest

pytestmark = pytest.mark.timeout(30)


def changed(**changes: Any) -> SubmitServiceJobRequest:
    request = SubmitServiceJobRequest.model_validate(JOB)
    for name, value in changes.items():
        setattr(request, name, value)
    return request


@pytest.mark.parametrize(
    "make",
    [
        lambda: changed(scheduling_priority=10**9),
        lambda: changed(service_job_type="NOT_A_TYPE"),
        lambda: changed(job_name="not a valid/job*name"),
        lambda: changed(scheduling_priority="5"),
        lambda: SubmitServiceJobRequest.model_construct(job_name="x"),
    ],
    ids=["out of bounds", "not an enum value", "pattern", "str for int", "model_construct"],
)
async def test_a_changed_request_model_is_validated_before_it_is_sent(make: Any) -> None:
    async with mock_session() as session:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                await session.batch.invoke(operations.SUBMIT_SERVICE_JOB, make())
            except ValidationError:
                return
        body = session.transport.requests[-1].body  # type: ignore[attr-defined]
        pytest.fail(f"sent unvalidated: {body.decode()}")


def resume_token(token: object) -> str:
    return base64.urlsafe_b64encode(json.dumps({"token": token, "skip": 0}).encode()).decode()


def test_a_starting_token_that_is_no_str_is_refused_by_name() -> None:
    from aws_mlops_async import ConfigurationError

    with pytest.raises(ConfigurationError, match="starting_token must be a str"):
        PaginationConfig(starting_token=5)  # type: ignore[arg-type]


async def test_a_resume_token_holding_a_dict_is_sent_as_the_opaque_str_it_is() -> None:
    crafted = resume_token({"a": 1})
    async with mock_session(lambda request: answer({"ImageVersions": []})) as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        pages = paginator.paginate(
            image_name="img", pagination_config=PaginationConfig(starting_token=crafted)
        )
        async for _ in pages:
            pass
        sent = json.loads(session.transport.requests[-1].body)  # type: ignore[attr-defined]
    assert sent["NextToken"] == crafted  # a str, never the dict inside it


@pytest.mark.parametrize(
    "starting_token",
    ["x" * 100_000, "line\nbreak"],
    ids=["too long", "newline"],
)
async def test_a_starting_token_is_validated_before_it_is_sent(starting_token: Any) -> None:
    async with mock_session(lambda request: answer({"ImageVersions": []})) as session:
        paginator = session.sagemaker.get_paginator("list_image_versions")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                pages = paginator.paginate(
                    image_name="img",
                    pagination_config=PaginationConfig(starting_token=starting_token),
                )
                async for _ in pages:
                    pass
            except ValidationError:
                return
            except Exception as error:
                pytest.fail(f"raw {type(error).__name__}: {error}")
        body = session.transport.requests[-1].body  # type: ignore[attr-defined]
        pytest.fail(f"sent unvalidated: {body[:120].decode()}...")
