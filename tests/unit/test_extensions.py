"""The hand-written extensions above the generated code: what a Session hands out, and the
one method an extension overrides kept in step with the generated one it widens."""

from __future__ import annotations

import inspect

from registry import SERVICES

from aws_mlops_async import Session
from aws_mlops_async.ext.batch import BatchClient
from aws_mlops_async.services.batch.client import BatchClient as GeneratedBatchClient


def test_a_session_hands_out_each_registry_client_class() -> None:
    session = Session(region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    for service in SERVICES:
        client = getattr(session, service.name)
        module, name = service.handed_out
        assert (type(client).__module__, type(client).__name__) == (module, name)
    assert isinstance(session.batch, BatchClient)
    assert isinstance(session.batch, GeneratedBatchClient)


def test_the_typed_payload_override_takes_the_generated_parameters_and_more() -> None:
    generated = inspect.signature(GeneratedBatchClient.submit_service_job).parameters
    extended = inspect.signature(BatchClient.submit_service_job).parameters
    widened, added = {"service_request_payload"}, ["validate_payload"]
    assert list(extended) == [*generated, *added]
    for name, parameter in generated.items():
        mine = extended[name]
        assert (mine.kind, mine.default) == (parameter.kind, parameter.default), name
        if name not in widened:
            assert mine.annotation == parameter.annotation, name
    assert "CreateTrainingJobRequest" in str(extended["service_request_payload"].annotation)
    assert extended["validate_payload"].default is False
