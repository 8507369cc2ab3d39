"""SageMaker image versions: create one, wait for it, give it an alias, page through versions.

Configured by the environment alone, as any AWS SDK is: against the emulator,

    python -m aws_mlops_async.local &
    export AWS_ENDPOINT_URL=http://127.0.0.1:4567 AWS_REGION=us-east-1 \\
        AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
    python examples/sagemaker_image_versions.py [--image-name NAME]

and against AWS with your usual AWS_PROFILE / AWS_REGION instead.
"""

from __future__ import annotations

import argparse
import asyncio

from aws_mlops_async import PaginationConfig, Session


async def main(args: argparse.Namespace) -> None:
    async with Session() as session:  # region, keys and endpoint from the environment
        sagemaker = session.sagemaker
        created = await sagemaker.create_image_version(
            image_name=args.image_name, base_image=args.base_image, job_type="TRAINING"
        )
        print("created", created.image_version_arn)
        version = await sagemaker.get_waiter("image_version_created").wait(
            image_name=args.image_name, delay=1
        )
        await sagemaker.update_image_version(
            image_name=args.image_name,
            version=version.version,
            aliases_to_add=["latest-train"],
            release_notes="built by examples/sagemaker_image_versions.py",
        )
        pages = sagemaker.get_paginator("list_image_versions").paginate(
            image_name=args.image_name,
            sort_by="VERSION",
            sort_order="DESCENDING",
            pagination_config=PaginationConfig(page_size=10),
        )
        async for item in pages.items():
            print(f"  version {item.version}: {item.image_version_status}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--image-name", default="pytorch-train")
    parser.add_argument(
        "--base-image", default="123456789012.dkr.ecr.us-east-1.amazonaws.com/pytorch:2.5"
    )
    asyncio.run(main(parser.parse_args()))
