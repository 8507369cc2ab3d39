"""A first look at aws_mlops_async: signed, validated calls against an in-process loopback endpoint.

Run with `make demo`. No AWS account is needed: a small aiohttp server on 127.0.0.1 answers
the way SageMaker and Batch do, and the calls go over real HTTP, signed with SigV4.
"""

from __future__ import annotations

import asyncio
import time
import uuid

from aiohttp import web

from aws_mlops_async import Session, ValidationError


async def answer(request: web.Request) -> web.Response:
    """SageMaker (awsJson) and Batch (restJson) answers, enough for this walk-through."""
    body = await request.json()
    if request.headers.get("X-Amz-Target") == "SageMaker.UpdateImageVersion":
        arn = f"arn:aws:sagemaker:us-east-1:123456789012:image-version/{body['ImageName']}/1"
        return web.json_response(
            {"ImageVersionArn": arn}, content_type="application/x-amz-json-1.1"
        )
    job_id = str(uuid.uuid4())
    return web.json_response(
        {
            "jobArn": f"arn:aws:batch:us-east-1:123456789012:service-job/{job_id}",
            "jobName": body["jobName"],
            "jobId": job_id,
        }
    )


async def main() -> None:
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with Session(
            region_name="us-east-1",
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="demo-secret",
            endpoint_url=f"http://127.0.0.1:{port}",
        ) as session:
            updated = await session.sagemaker.update_image_version(
                image_name="pytorch-train", version=1, aliases_to_add=["stable"]
            )
            print(f"updated image version  {updated.image_version_arn}")

            started = time.perf_counter()
            jobs = await asyncio.gather(
                *(
                    session.batch.submit_service_job(
                        job_name=f"train-{n}",
                        job_queue="ml-queue",
                        service_job_type="SAGEMAKER_TRAINING",
                        service_request_payload="{}",
                    )
                    for n in range(100)
                )
            )
            elapsed = time.perf_counter() - started
            print(f"submitted {len(jobs)} service jobs in {elapsed * 1000:.0f} ms")

            try:
                await session.sagemaker.update_image_version(image_name="bad name!", version=1)
            except ValidationError as error:
                print(f"refused before sending: {error}")
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
