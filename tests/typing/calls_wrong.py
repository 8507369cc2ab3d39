"""Wrong calls; `mypy --strict` must flag every line marked `# error`."""

from __future__ import annotations

import aws_mlops_async.services.batch.models as batch_models
from aws_mlops_async import Session


async def wrong_calls(session: Session) -> None:
    await session.sagemaker.update_image_version(image_name=123)  # error
    await session.sagemaker.update_image_version(image_name="img", job_type="BATCH")  # error
    await session.sagemaker.update_image_version(image_name="img", versoin=1)  # error
    await session.batch.submit_service_job(job_name="j", job_queue="q")  # error
    await session.batch.submit_service_job(
        job_name="j",
        job_queue="q",
        service_job_type="SAGEMAKER_TRAINING",
        service_request_payload="{}",
        scheduling_priority="high",  # error
    )
    await session.datazone.start_notebook_run(domain_identifier="dzd_1")  # error
    await session.datazone.get_notebook_run("dzd_1", "run")  # error
    session.batch.get_paginator("describe_service_job")  # error
    session.client("s3")  # error
    response = await session.batch.describe_service_job(job_id="j")
    response.job_idd  # error
    batch_models.SubmitServiceJobRequst  # error
