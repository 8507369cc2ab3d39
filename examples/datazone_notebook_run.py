"""DataZone (SageMaker Unified Studio) notebook runs: start one with parameters and wait.

Configured by the environment alone, as any AWS SDK is: against the emulator,

    python -m aws_mlops_async.local &
    export AWS_ENDPOINT_URL=http://127.0.0.1:4567 AWS_REGION=us-east-1 \\
        AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
    python examples/datazone_notebook_run.py [--domain D --project P --notebook N]

and against AWS with your usual AWS_PROFILE / AWS_REGION instead.
"""

from __future__ import annotations

import argparse
import asyncio

from aws_mlops_async import Session


async def main(args: argparse.Namespace) -> None:
    async with Session() as session:  # region, keys and endpoint from the environment
        datazone = session.datazone
        run = await datazone.start_notebook_run(
            domain_identifier=args.domain,
            owning_project_identifier=args.project,
            notebook_identifier=args.notebook,
            parameters={"epochs": "3", "api_key": "kept out of logs and repr"},
            timeout_configuration={"run_timeout_in_minutes": 60},
        )
        print("started", run.id)
        finished = await datazone.get_waiter("notebook_run_finished").wait(
            domain_identifier=args.domain, identifier=run.id, delay=1
        )
        print("finished", finished.status)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").partition("\n")[0])
    parser.add_argument("--domain", default="dzd_example")
    parser.add_argument("--project", default="prj_example")
    parser.add_argument("--notebook", default="nb_example")
    asyncio.run(main(parser.parse_args()))
