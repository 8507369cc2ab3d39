"""Stubber breaks.

1. Two Stubbers on one Session, deactivated in the order they were activated (not LIFO):
   the first one's `deactivate()` sees `session.transport is not self` and only forgets what
   was underneath; the second's puts the *first* Stubber back as the Session's transport.
   From then on a deactivated Stubber answers every call of the Session, for good:
   Observed: `session.transport` is `<Stubber BatchClient inactive, 0 pending>` and
   `session.batch.submit_service_job(...)` raises
   `UnStubbedResponseError: SubmitServiceJob was called with no stubbed answer left for it`.
   Promise (testing.py): `deactivate`: "Give the client's Session its transport back".

2. A Stubber answers the calls of *every* client of the client's service on the Session, not
   the client's: `Stubber(session.client("batch", region_name="eu-west-1"))` takes
   `session.batch` (us-east-1) calls from its queue (and raises UnStubbedResponseError for
   them once the queue is empty), instead of passing them through.
   Promise (README): "Stubber answers one client's calls from a queue"; Stubber docstring:
   "Answers ``client``'s calls".

3. `add_client_error(..., modeled_fields=...)` checks nothing: an unknown member ({"bogus": 1})
   is taken (add_response refuses one, naming it), and on an awsJson service a "__type" among
   them silently replaces the code: add_client_error("describe_image_version",
   "ClientException", modeled_fields={"__type": "ThrottlingException"}) raises
   code 'ThrottlingException' (retried as throttling).
   Promise (testing.py): "the call raises the client's modeled error for service_error_code".

4. `add_response(..., http_status=...)` is not checked (add_client_error's status is, 400..599):
   http_status="200" is queued and the call then raises a raw `TypeError: '<' not supported
   between instances of 'str' and 'int'`; http_status=-1 is a "success" whose metadata says
   HTTP -1; http_status=500 turns the stubbed response into `BatchError 500 ... no message`.
"""

from __future__ import annotations

import pytest
from attack_support import JOB, mock_session

from aws_mlops_async import Config, ServiceError, ValidationError
from aws_mlops_async.testing import Stubber

pytestmark = pytest.mark.timeout(30)


async def test_deactivating_two_stubbers_in_activation_order_gives_the_transport_back() -> None:
    async with mock_session() as session:  # a MockTransport answering every call
        underneath = session.transport
        batch, sagemaker = Stubber(session.batch), Stubber(session.sagemaker)
        batch.activate()
        sagemaker.activate()
        batch.deactivate()
        sagemaker.deactivate()
        print("session.transport:", session.transport)
        try:
            job = await session.batch.submit_service_job(**JOB)
            print("call answered:", job.job_id)
        except AssertionError as error:
            print("call raised:", type(error).__name__, error)
        assert session.transport is underneath


async def test_a_stubber_answers_only_its_own_clients_calls() -> None:
    async with mock_session() as session:
        eu = session.client("batch", region_name="eu-west-1")
        with Stubber(eu) as stub:
            stub.add_response("submit_service_job", {"job_name": "eu", "job_id": "eu-job"})
            us_job = await session.batch.submit_service_job(**JOB)  # another client
            print("session.batch (us-east-1) got:", us_job.job_id)
            assert us_job.job_id == "j"  # the MockTransport's answer, passed through
            eu_job = await eu.submit_service_job(**JOB)
            assert eu_job.job_id == "eu-job"


async def test_modeled_fields_are_checked_and_cannot_change_the_code() -> None:
    async with mock_session(config=Config(max_attempts=1)) as session:
        with Stubber(session.sagemaker) as stub:
            with pytest.raises((ValidationError, ValueError, TypeError)):
                stub.add_client_error(
                    "describe_image_version", "ResourceNotFound", modeled_fields={"bogus": 1}
                )
            with pytest.raises(ValueError, match="cannot set __type"):  # a ConfigurationError
                stub.add_client_error(
                    "describe_image_version",
                    "ClientException",
                    "m",
                    modeled_fields={"__type": "ThrottlingException"},
                )
            stub.add_client_error("describe_image_version", "ClientException", "m")
            with pytest.raises(ServiceError) as raised:
                await session.sagemaker.describe_image_version(image_name="img")
            assert raised.value.code == "ClientException"


@pytest.mark.parametrize("status", ["200", -1, 500])
def test_add_response_refuses_a_status_that_is_not_a_success(status: object) -> None:
    async def scenario() -> None:
        async with mock_session() as session:
            stub = Stubber(session.batch)
            with pytest.raises((ValueError, TypeError)):
                stub.add_response(
                    "submit_service_job", {"job_name": "a", "job_id": "b"}, http_status=status
                )  # type: ignore[arg-type]

    import asyncio

    asyncio.run(scenario())
