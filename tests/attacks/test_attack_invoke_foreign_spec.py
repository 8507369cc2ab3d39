"""`BaseClient.invoke` (the public seam) takes another service's OperationSpec and sends it to
its own endpoint, signed for its own service, serialized with its own protocol, and reads the
answer into the other service's response model.

Promise (client.py, invoke): "Make one call of an operation"; docs/architecture.md: "THE seam";
every client has `operation_specs`, the operations it calls; README: an unknown operation is a
ConfigurationError.

Observed: session.batch.invoke(sagemaker.operations.DESCRIBE_IMAGE_VERSION, {...}) is sent as
  POST https://batch.us-east-1.amazonaws.com/  service=batch operation=DescribeImageVersion
(restJson1 body, Batch's SigV4 scope, no X-Amz-Target) and returns a DescribeImageVersionResponse
parsed from Batch's answer. A Stubber on session.batch answers it too.
Expected: a ConfigurationError naming the spec's service (nothing sent).
"""

from __future__ import annotations

import pytest
from attack_support import mock_session

from aws_mlops_async import ConfigurationError
from aws_mlops_async.services.sagemaker import operations as sagemaker_operations


@pytest.mark.timeout(30)
async def test_invoke_refuses_another_services_operation() -> None:
    async with mock_session() as session:
        with pytest.raises(ConfigurationError):
            try:
                await session.batch.invoke(
                    sagemaker_operations.DESCRIBE_IMAGE_VERSION, {"image_name": "img"}
                )
            finally:
                for request in session.transport.requests:  # type: ignore[attr-defined]
                    print(
                        "sent:",
                        request.method,
                        request.url,
                        request.service,
                        request.operation,
                        request.headers["Authorization"][:80],
                    )
