"""Snapshots: the store written at stop (or on demand) and loaded at the next start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from local_support import FAST, IMAGE, JOB, PACKAGE, RUN

from aws_mlops_async.local import LocalAws, LocalState


async def test_a_snapshot_round_trips_every_resource_and_token(tmp_path: Path) -> None:
    path = tmp_path / "state" / "local.json"
    async with LocalAws(snapshot=path, durations=FAST) as endpoint, endpoint.session() as session:
        await session.sagemaker.create_image_version(**IMAGE, aliases=["stable"])
        job = await session.batch.submit_service_job(**JOB, client_token="job-token")
        run = await session.datazone.start_notebook_run(**RUN, parameters={"k": "v"})
        await session.batch.terminate_service_job(job_id=job.job_id, reason="stopped")
        package = await session.lookoutvision.start_model_packaging_job(**PACKAGE)
        endpoint.clock.advance(30)
    saved = json.loads(path.read_text())
    assert saved["format"] == "aws_mlops_async.local/1"
    assert saved["clock_offset"] == 30

    async with LocalAws(snapshot=path) as endpoint, endpoint.session() as session:
        assert endpoint.clock.offset == 30
        version = await session.sagemaker.describe_image_version(
            image_name=IMAGE["image_name"], alias="stable"
        )
        assert (version.version, version.image_version_status) == (1, "CREATED")
        described = await session.batch.describe_service_job(job_id=job.job_id)
        assert (described.status, described.status_reason) == ("FAILED", "stopped")
        replayed = await session.batch.submit_service_job(**JOB, client_token="job-token")
        assert replayed.job_id == job.job_id
        got = await session.datazone.get_notebook_run(
            domain_identifier=RUN["domain_identifier"], identifier=run.id
        )
        assert got.status == "SUCCEEDED"
        assert got.parameters is not None and got.parameters.get_secret_value() == {"k": "v"}
        assert package.job_name is not None
        packaged = await session.lookoutvision.describe_model_packaging_job(
            project_name=PACKAGE["project_name"], job_name=package.job_name
        )
        assert packaged.model_packaging_description is not None
        second = await session.sagemaker.create_image_version(**IMAGE)
        assert second.image_version_arn is not None and second.image_version_arn.endswith("/2")
        assert endpoint.stats.created == {"image_version": 1}
        on_demand = await endpoint.save_snapshot(tmp_path / "copy.json")
    assert len(json.loads(on_demand.read_text())["images"][0]["versions"]) == 2


async def test_a_missing_snapshot_starts_empty_and_a_foreign_one_is_refused(
    tmp_path: Path,
) -> None:
    async with LocalAws(snapshot=tmp_path / "new.json") as endpoint:
        assert endpoint.state.service_jobs == {}
    assert (tmp_path / "new.json").exists()
    (tmp_path / "foreign.json").write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="not a snapshot"):
        await LocalAws(snapshot=tmp_path / "foreign.json").start()
    with pytest.raises(ValueError, match="no snapshot path"):
        await LocalAws().save_snapshot()


def test_the_store_round_trips_through_its_json_form() -> None:
    state = LocalState(seed=3)
    state.create_image("img")
    state.fail_next("sagemaker")
    data = json.loads(json.dumps(state.snapshot()))
    restored = LocalState()
    restored.restore(data)
    assert restored.snapshot() == data
    with pytest.raises(ValueError, match="unknown kind"):
        state.fail_next("ec2")
