"""The flagship workflow, end to end: what `make demo` runs on the embedded local endpoint.

1. create a SageMaker image version and wait for it; update its aliases and metadata; page
   through the image's versions;
2. submit 500 typed training jobs (each payload a CreateTrainingJob request, validated before
   it is sent) to a Batch service queue, with a progress bar;
3. watch them to the finish with a table of counts per status (a few fail, injected), and
   describe the SageMaker training job behind a failed one;
4. start a DataZone notebook run and wait; 5. package a Lookout for Vision model;
then print a summary: calls, retries absorbed, wall time.

    python examples/demo.py          # an emulator of its own, a few faults injected
    AWS_ENDPOINT_URL=http://127.0.0.1:4567 AWS_DEFAULT_REGION=us-east-1 \\
        AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test python examples/demo.py
                                     # the emulator you started (python -m aws_mlops_async.local)
    python examples/demo.py --aws    # AWS, as AWS_PROFILE / AWS_DEFAULT_REGION configure it
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from collections import Counter
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager

from tqdm import tqdm

from aws_mlops_async import Outcome, Session
from aws_mlops_async.ext.watching import ServiceJobUpdate
from aws_mlops_async.local import LocalAws
from aws_mlops_async.services.batch.models import SubmitServiceJobRequest, SubmitServiceJobResponse
from aws_mlops_async.services.sagemaker.models import CreateTrainingJobRequest

JOBS = 500
#: What every job trains: SageMaker's CreateTrainingJob request, typed (Batch names the
#: training job it creates itself, so TrainingJobName is only a placeholder here).
TRAINING_JOB = CreateTrainingJobRequest.model_validate(
    {
        "training_job_name": "demo-train",
        "role_arn": "arn:aws:iam::123456789012:role/SageMakerTraining",
        "algorithm_specification": {"training_image": "pytorch:2.5", "training_input_mode": "File"},
        "resource_config": {
            "instance_type": "ml.g5.xlarge",
            "instance_count": 1,
            "volume_size_in_gb": 50,
        },
        "output_data_config": {"s3_output_path": "s3://demo-models/output/"},
        "stopping_condition": {"max_runtime_in_seconds": 3600},
        "hyper_parameters": {"epochs": "3"},
    }
)
STATUSES = ("SUBMITTED", "RUNNABLE", "SCHEDULED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED")


class AttemptCounter(logging.Handler):
    """Counts requests and retries from the library's one DEBUG line per attempt."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.requests: Counter[str] = Counter()
        self.retries: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        # Each attempt's line carries its facts as record fields (aws_operation, aws_attempt...).
        operation = getattr(record, "aws_operation", None)
        attempt = getattr(record, "aws_attempt", None)
        if operation is not None and attempt is not None:
            self.requests[operation] += 1
            self.retries[operation] += attempt != 1


def step(text: str) -> None:
    print(f"\n== {text}", flush=True)


async def image_versions(session: Session, image: str, base_image: str) -> None:
    step(f"SageMaker: a new version of image {image!r}")
    sagemaker = session.sagemaker
    created = await sagemaker.create_image_version(
        image_name=image, base_image=base_image, job_type="TRAINING", processor="GPU"
    )
    print(f"created {created.image_version_arn}; waiting until CREATED")
    version = await sagemaker.get_waiter("image_version_created").wait(image_name=image, delay=1)
    print(f"version {version.version} is {version.image_version_status}")
    await sagemaker.update_image_version(
        image_name=image,
        version=version.version,
        aliases_to_add=[f"v{version.version}-stable"],
        ml_framework="PyTorch 2.5",
        programming_lang="Python 3.11",
        release_notes="demo build",
    )
    print(f"version {version.version}: alias v{version.version}-stable, framework PyTorch 2.5")
    pages = sagemaker.get_paginator("list_image_versions").paginate(
        image_name=image, sort_by="VERSION", sort_order="DESCENDING"
    )
    versions = [item.version async for item in pages.items()]
    print(f"{len(versions)} version(s): {versions[:10]}")


async def training_jobs(session: Session, queue: str) -> tuple[int, list[ServiceJobUpdate]]:
    """Submits the jobs, watches them to the finish, and describes the training job behind a
    failed one; the retries the bulk run absorbed (it re-queues them)."""
    step(f"AWS Batch: {JOBS} typed training jobs on queue {queue!r}")
    started = time.perf_counter()
    jobs = (
        {
            "job_name": f"demo-train-{n}",
            "job_queue": queue,
            "service_job_type": "SAGEMAKER_TRAINING",
            "service_request_payload": TRAINING_JOB,
        }
        for n in range(JOBS)
    )
    submitted: list[Outcome[SubmitServiceJobRequest, SubmitServiceJobResponse]] = []
    with tqdm(total=JOBS, unit="job", desc="submitting") as bar:
        async with session.batch.submit_service_jobs(jobs, concurrency=64) as run:
            async for outcome in run:
                if outcome.response is not None:
                    submitted.append(outcome)
                bar.update()
    print(
        f"submitted {len(submitted)} in {time.perf_counter() - started:.1f} s "
        f"({run.progress.retries} retries absorbed, {JOBS - len(submitted)} failed)"
    )
    step("watching them to the finish: a ListServiceJobs page per 100 jobs per look")
    print("  ".join(f"{status:>9}" for status in STATUSES))
    latest: dict[str, ServiceJobUpdate] = {}
    # A failed job's update carries the last lines of its training job's logs.
    watching = session.batch.watch_service_jobs(submitted, poll_interval=0.5, logs_on_failure=5)
    async with watching as watch:
        shown = 0  # looks completed when the table was last shown
        async for update in watch:
            if watch.cycles != shown and latest:  # a new look began: show the last one's
                shown = watch.cycles
                counts = Counter(u.status for u in latest.values())
                print("  ".join(f"{counts.get(status, 0):>9}" for status in STATUSES))
            latest[update.job_id] = update
    counts = Counter(u.status for u in latest.values())
    print("  ".join(f"{counts.get(status, 0):>9}" for status in STATUSES))
    print(
        f"{counts['SUCCEEDED']} succeeded, {counts['FAILED']} failed, in {watch.cycles} looks "
        f"({watch.requests['ListServiceJobs']} ListServiceJobs, "
        f"{watch.requests['DescribeServiceJob']} DescribeServiceJob requests)"
    )
    failed = [u for u in latest.values() if u.status == "FAILED" and u.training_job_name]
    if failed:
        training = await session.sagemaker.describe_training_job(
            training_job_name=failed[0].training_job_name or ""
        )
        print(
            f"job line {failed[0].index}: training job {training.training_job_name} is "
            f"{training.training_job_status}: {training.failure_reason}"
        )
    return run.progress.retries, failed


def why_they_failed(failed: list[ServiceJobUpdate], shown: int = 3) -> None:
    """Each failed job's status reason and the last lines its training job logged."""
    step(f"why {len(failed)} jobs failed, from their training logs")
    for update in failed[:shown]:
        print(f"job line {update.index} ({update.training_job_name}): {update.status_reason}")
        for line in update.logs or ():
            print(f"    [{line.instance}] {line.message}")
        if update.logs_unread:
            print(f"    (no lines: {update.logs_unread})")
    if len(failed) > shown:
        print(f"... and {len(failed) - shown} more")


async def notebook_run(session: Session, domain: str, project: str, notebook: str) -> None:
    step("DataZone: a notebook run")
    run = await session.datazone.start_notebook_run(
        domain_identifier=domain,
        owning_project_identifier=project,
        notebook_identifier=notebook,
        parameters={"epochs": "3"},
    )
    done = await session.datazone.get_waiter("notebook_run_finished").wait(
        domain_identifier=domain, identifier=run.id, delay=1
    )
    print(f"notebook run {run.id}: {done.status}")


async def model_package(session: Session, project: str) -> None:
    step("Lookout for Vision: a model packaging job")
    job_name = f"demo-package-{int(time.time())}"
    await session.lookoutvision.start_model_packaging_job(
        project_name=project,
        model_version="1",
        job_name=job_name,
        configuration={
            "Greengrass": {
                "TargetPlatform": {"Os": "LINUX", "Arch": "ARM64", "Accelerator": "NVIDIA"},
                "CompilerOptions": '{"gpu-code": "sm_72", "trt-ver": "8.5", "cuda-ver": "11.4"}',
                "S3OutputLocation": {"Bucket": "demo-models", "Prefix": "packages/"},
                "ComponentName": "defect-detector",
            }
        },
    )
    done = await session.lookoutvision.get_waiter("model_packaging_job_finished").wait(
        project_name=project, job_name=job_name, delay=1
    )
    description = done.model_packaging_description
    print(f"packaging job {job_name}: {description.status if description else 'unknown'}")


@asynccontextmanager
async def demo_session(args: argparse.Namespace) -> AsyncGenerator[Session, None]:
    """A Session the environment configures (with --aws, or when AWS_ENDPOINT_URL names an
    endpoint); else an emulator of the demo's own, with a few faults injected so retries show."""
    if args.aws or os.environ.get("AWS_ENDPOINT_URL"):
        async with Session() as session:
            yield session
        return
    async with LocalAws(seed=7) as endpoint, endpoint.session() as session:
        endpoint.faults.set(throttle=0.03, server_error=0.02, job_failure=0.02)
        print(
            f"local endpoint {endpoint.url} (3% throttling, 2% 5xx and 2% failing training "
            "jobs injected)"
        )
        yield session


async def main(args: argparse.Namespace) -> None:
    counter = AttemptCounter()
    logger = logging.getLogger("aws_mlops_async")
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    started = time.perf_counter()
    async with demo_session(args) as session:
        await image_versions(session, args.image_name, args.base_image)
        retries, failed = await training_jobs(session, args.queue)
        counter.retries["SubmitServiceJob"] += retries
        await notebook_run(session, args.domain, args.project, args.notebook)
        await model_package(session, args.lookoutvision_project)
    wall = time.perf_counter() - started
    step("summary")
    print(f"{'operation':28s} {'requests':>9s} {'retries absorbed':>17s}")
    for operation in sorted(counter.requests):
        print(f"{operation:28s} {counter.requests[operation]:9d} {counter.retries[operation]:17d}")
    print(f"{'total':28s} {counter.requests.total():9d} {counter.retries.total():17d}")
    print(f"wall time {wall:.1f} s")
    if failed:
        why_they_failed(failed)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--aws", action="store_true", help="AWS, as the environment configures it")
    parser.add_argument("--image-name", default="pytorch-train")
    parser.add_argument(
        "--base-image", default="123456789012.dkr.ecr.us-east-1.amazonaws.com/pytorch:2.5"
    )
    parser.add_argument("--queue", default="ml-training")
    parser.add_argument("--domain", default="dzd_demo")
    parser.add_argument("--project", default="prj_demo")
    parser.add_argument("--notebook", default="nb_demo")
    parser.add_argument("--lookoutvision-project", default="circuit-boards")
    asyncio.run(main(parser.parse_args()))
