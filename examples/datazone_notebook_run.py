"""DataZone (SageMaker Unified Studio) notebook runs: start one with parameters and wait.

    python examples/datazone_notebook_run.py               # against the local emulator
    python examples/datazone_notebook_run.py --profile P --region R --domain D --project P \\
        --notebook N
"""

from __future__ import annotations

import argparse
import asyncio

from aws_mlops_async.cli import open_session, target_options


async def main(args: argparse.Namespace) -> None:
    async with open_session(args) as session:
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
    parser = argparse.ArgumentParser(
        description=__doc__, parents=[target_options(local_by_default=True)]
    )
    parser.add_argument("--domain", default="dzd_example")
    parser.add_argument("--project", default="prj_example")
    parser.add_argument("--notebook", default="nb_example")
    asyncio.run(main(parser.parse_args()))
