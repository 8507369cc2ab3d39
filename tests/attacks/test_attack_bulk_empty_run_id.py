"""A bulk run given run_id="" (or 0) silently gets a fresh random run id, so running the same
input again "with the same run_id" creates every job twice.

README ("Submit thousands of jobs"): "a job without a client_token gets one derived from run_id
and its position, so the same input with the same run_id ... creates nothing twice".
Observed: two runs with run_id="" create 2 x N jobs; run.run_id is a random hex, not "".
Expected: the same run id ("" here) derives the same tokens, or "" is refused
(ConfigurationError) as other bad arguments of submit_service_jobs are: it is refused.
"""

from __future__ import annotations

import pytest
from attack_support import JOB

from aws_mlops_async import ConfigurationError
from aws_mlops_async.local import LocalAws


@pytest.mark.timeout(60)
async def test_the_same_empty_run_id_creates_nothing_twice() -> None:
    async with LocalAws(seed=1) as endpoint, endpoint.session() as session:
        jobs = [{**JOB, "job_name": f"train-{n}"} for n in range(5)]
        with pytest.raises(ConfigurationError, match="run_id"):
            session.batch.submit_service_jobs(jobs, run_id="")
        assert endpoint.stats.created["service_job"] == 0  # observed: 10 over two runs
