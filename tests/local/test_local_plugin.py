"""The pytest plugin, used the way a user would: the ``local_aws`` fixture, and options."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from typing import Any

import pytest
from local_support import JOB

from aws_mlops_async.local import Durations
from aws_mlops_async.local.pytest_plugin import LocalAwsFixture


@pytest.fixture
def local_aws_options() -> dict[str, Any]:
    return {"seed": 11, "durations": Durations.uniform(0.02)}


async def test_the_fixture_gives_a_running_emulator_and_a_bound_session(
    local_aws: LocalAwsFixture,
) -> None:
    job = await local_aws.session.batch.submit_service_job(**JOB)
    done = await local_aws.session.batch.get_waiter("service_job_finished").wait(
        job_id=job.job_id, delay=0.02
    )
    assert done.status == "SUCCEEDED"
    assert local_aws.stats.created["service_job"] == 1
    assert local_aws.session.endpoint_url == local_aws.url == local_aws.endpoint.url
    assert local_aws.state.durations.service_job_running == 0.02  # the options were used
    local_aws.clock.advance(1)
    local_aws.faults.inject("throttle")


def test_the_plugin_is_registered_as_a_pytest_entry_point() -> None:
    plugins = {entry.name: entry.value for entry in entry_points(group="pytest11")}
    assert plugins["aws_mlops_async"] == "aws_mlops_async.local.pytest_plugin"


def test_importing_the_library_or_the_plugin_stays_light() -> None:
    code = (
        "import sys, aws_mlops_async; "
        "assert 'aws_mlops_async.local' not in sys.modules; "
        "import aws_mlops_async.local.pytest_plugin; "
        "heavy = [m for m in ('aiohttp.web', 'botocore', 'aws_mlops_async.local.server') "
        "if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
