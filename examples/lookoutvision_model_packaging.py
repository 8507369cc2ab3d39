"""Lookout for Vision model packaging: package a model as a Greengrass component and wait.

AWS ended support for Lookout for Vision on 2025-10-31; this runs against the local emulator
by default, and against accounts that still have the service with --profile/--region.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from aws_mlops_async.cli import open_session, target_options


async def main(args: argparse.Namespace) -> None:
    async with open_session(args) as session:
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
    parser = argparse.ArgumentParser(
        description=__doc__, parents=[target_options(local_by_default=True)]
    )
    parser.add_argument("--project", default="circuit-boards")
    asyncio.run(main(parser.parse_args()))
