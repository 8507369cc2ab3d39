"""Lookout for Vision model packaging: package a model as a Greengrass component and wait.

AWS ended support for Lookout for Vision on 2025-10-31; the emulator still speaks it.

Configured by the environment alone, as any AWS SDK is: against the emulator,

    python -m aws_mlops_async.local &
    export AWS_ENDPOINT_URL=http://127.0.0.1:4567 AWS_REGION=us-east-1 \\
        AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
    python examples/lookoutvision_model_packaging.py [--project P]

and against AWS with your usual AWS_PROFILE / AWS_REGION instead.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from aws_mlops_async import Session


async def main(args: argparse.Namespace) -> None:
    async with Session() as session:  # region, keys and endpoint from the environment
        lookoutvision = session.lookoutvision
        job_name = f"{args.project}-package-{int(time.time())}"
        await lookoutvision.start_model_packaging_job(
            project_name=args.project,
            model_version="1",
            job_name=job_name,
            configuration={
                "Greengrass": {
                    "CompilerOptions": '{"gpu-code": "sm_75"}',
                    "TargetDevice": "jetson_xavier",
                    "S3OutputLocation": {"Bucket": "my-bucket", "Prefix": "packages/"},
                    "ComponentName": "defect-detector",
                }
            },
        )
        print("packaging job", job_name)
        job = await lookoutvision.get_waiter("model_packaging_job_finished").wait(
            project_name=args.project, job_name=job_name, delay=1
        )
        description = job.model_packaging_description
        print("finished", description.status if description else "unknown")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--project", default="circuit-boards")
    asyncio.run(main(parser.parse_args()))
