"""AWS Batch service jobs: submit a SageMaker training job, wait for it, list the queue.

Configured by the environment alone, as any AWS SDK is: against the emulator,

    python -m aws_mlops_async.local &
    export AWS_ENDPOINT_URL=http://127.0.0.1:4567 AWS_REGION=us-east-1 \\
        AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
    python examples/batch_service_jobs.py [--queue Q]

and against AWS with your usual AWS_PROFILE / AWS_REGION instead.
"""

from __future__ import annotations

import argparse
import asyncio
import json

from aws_mlops_async import Session

TRAINING_JOB = {  # SageMaker's CreateTrainingJob request, as JSON or as a typed model
    "TrainingJobName": "train-1",
    "RoleArn": "arn:aws:iam::123456789012:role/SageMakerTraining",
    "AlgorithmSpecification": {
        "TrainingImage": "pytorch:2.5",
        "TrainingInputMode": "File",
    },
    "ResourceConfig": {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
    "OutputDataConfig": {"S3OutputPath": "s3://models-bucket/output/"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
}


async def main(args: argparse.Namespace) -> None:
    async with Session() as session:  # region, keys and endpoint from the environment
        batch = session.batch
        job = await batch.submit_service_job(
            job_name="example-train",
            job_queue=args.queue,
            service_job_type="SAGEMAKER_TRAINING",
            service_request_payload=json.dumps(TRAINING_JOB),
            scheduling_priority=10,
            tags={"team": "ml-platform"},
        )
        print("submitted", job.job_arn)
        finished = await batch.get_waiter("service_job_finished").wait(job_id=job.job_id, delay=1)
        print("finished", finished.status)
        async for summary in (
            batch.get_paginator("list_service_jobs")
            .paginate(job_queue=args.queue, job_status="SUCCEEDED")
            .items()
        ):
            print(f"  {summary.job_name}: {summary.status}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--queue", default="ml-training")
    asyncio.run(main(parser.parse_args()))
