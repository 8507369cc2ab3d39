"""Calls every client method with the right types; `mypy --strict` must accept this file."""

from __future__ import annotations

from datetime import datetime, timezone

from aws_mlops_async import PaginationConfig, Session
from aws_mlops_async.services.batch.models import ServiceJobRetryStrategy, SubmitServiceJobResponse
from aws_mlops_async.services.datazone.models import StartNotebookRunOutput, TimeoutConfig
from aws_mlops_async.services.lookoutvision.models import ModelPackagingConfiguration
from aws_mlops_async.services.sagemaker.models import ImageVersion


async def every_call(session: Session) -> None:
    sm = session.sagemaker
    created = await sm.create_image_version(base_image="repo:tag", image_name="img", aliases=["a"])
    arn: str | None = created.image_version_arn
    await sm.update_image_version(
        image_name="img",
        version=1,
        aliases_to_add=("x",),
        job_type="TRAINING",
        processor="GPU",
        vendor_guidance="STABLE",
        horovod=False,
        ml_framework="PyTorch 2.1",
        release_notes=arn,
    )
    described = await sm.describe_image_version(image_name="img", alias="x")
    when: datetime | None = described.creation_time
    await sm.list_image_versions(
        image_name="img",
        sort_by="VERSION",
        sort_order="ASCENDING",
        creation_time_after=datetime.now(timezone.utc),
        max_results=10,
    )
    await sm.delete_image_version(image_name="img", version=1)
    versions: list[ImageVersion] = [
        v
        async for v in sm.get_paginator("list_image_versions")
        .paginate(image_name="img", pagination_config=PaginationConfig(max_items=5))
        .items()
    ]
    done = await sm.get_waiter("image_version_created").wait(image_name="img", delay=1)
    print(when, versions, done.image_version_status)
    await sm.get_waiter("image_version_deleted").wait(image_name="img")

    batch = session.batch
    job: SubmitServiceJobResponse = await batch.submit_service_job(
        job_name="j",
        job_queue="q",
        service_job_type="SAGEMAKER_TRAINING",
        service_request_payload="{}",
        retry_strategy=ServiceJobRetryStrategy(attempts=2),
        timeout_config={"attemptDurationSeconds": 60},
        tags={"team": "ml"},
        scheduling_priority=5,
    )
    job_id: str = job.job_id
    await batch.describe_service_job(job_id=job_id)
    await batch.list_service_jobs(
        job_queue="q", job_status="RUNNING", filters=[{"name": "JOB_NAME", "values": ["j*"]}]
    )
    await batch.terminate_service_job(job_id=job_id, reason="done")
    pages = batch.get_paginator("list_service_jobs").paginate(job_queue="q")
    async for page in pages:
        print(len(page.job_summary_list))
    finished = await batch.get_waiter("service_job_finished").wait(job_id=job_id, max_attempts=3)
    print(finished.status)

    dz = session.datazone
    run: StartNotebookRunOutput = await dz.start_notebook_run(
        domain_identifier="dzd_1",
        owning_project_identifier="p",
        notebook_identifier="n",
        parameters={"a": "b"},
        metadata={"c": "d"},
        timeout_configuration=TimeoutConfig(run_timeout_in_minutes=60),
    )
    await dz.get_notebook_run(domain_identifier="dzd_1", identifier=run.id)
    await dz.list_notebook_runs(
        domain_identifier="dzd_1", owning_project_identifier="p", status="QUEUED"
    )
    await dz.stop_notebook_run(domain_identifier="dzd_1", identifier=run.id)
    await (
        dz.get_paginator("list_notebook_runs")
        .paginate(domain_identifier="dzd_1", owning_project_identifier="p")
        .build_full_result()
    )
    await dz.get_waiter("notebook_run_finished").wait(domain_identifier="dzd_1", identifier=run.id)

    lv = session.lookoutvision
    configuration = ModelPackagingConfiguration.model_validate(
        {"Greengrass": {"ComponentName": "c", "S3OutputLocation": {"Bucket": "bkt"}}}
    )
    started = await lv.start_model_packaging_job(
        project_name="p", model_version="1", configuration=configuration
    )
    name: str | None = started.job_name
    await lv.describe_model_packaging_job(project_name="p", job_name=name or "")
    await lv.list_model_packaging_jobs(project_name="p", max_results=5)
    lv.get_paginator("list_model_packaging_jobs").paginate(project_name="p")
    await lv.get_waiter("model_packaging_job_finished").wait(project_name="p", job_name="j")
    try:
        await batch.describe_service_job(job_id="x")
    except batch.exceptions.ClientException as error:
        print(error.code, error.status_code, error.request_id)
