"""Snapshots: the store written at stop (or on demand) and loaded at the next start."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path

import pytest
from local_support import FAST, IMAGE, JOB, PACKAGE, RUN

from aws_mlops_async.local import LocalAws, LocalState, SnapshotError


async def test_a_snapshot_round_trips_every_resource_and_token(tmp_path: Path) -> None:
    path = tmp_path / "state" / "local.json"
    async with LocalAws(snapshot=path, durations=FAST) as endpoint, endpoint.session() as session:
        endpoint.clock.hold()  # the job is still going when it is terminated
        await session.sagemaker.create_image_version(**IMAGE, aliases=["stable"])
        job = await session.batch.submit_service_job(**JOB, client_token="job-token")
        run = await session.datazone.start_notebook_run(**RUN, parameters={"k": "v"})
        await session.batch.terminate_service_job(job_id=job.job_id, reason="stopped")
        package = await session.lookoutvision.start_model_packaging_job(**PACKAGE)
        endpoint.clock.advance(30)
    saved = json.loads(path.read_text())
    assert saved["format"] == "aws_mlops_async.local/2"
    assert saved["clock_offset"] == 30
    assert [(item["account_id"], item["region"]) for item in saved["regions"]] == [
        ("123456789012", "us-east-1")
    ]

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
    [region] = json.loads(on_demand.read_text())["regions"]
    assert len(region["images"][0]["versions"]) == 2


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


# ---- a snapshot that cannot be read or written: a ValueError naming the file, before serving --


_VALID = json.dumps(LocalState().snapshot())
_HOME = {"account_id": "123456789012", "region": "us-east-1"}
# One account's region, every kind of record empty.
_EMPTY_REGION = {**_HOME, **LocalState().home.snapshot()}


def _with_region(**records: object) -> str:
    """A snapshot of one account's region holding ``records``."""
    return json.dumps({**json.loads(_VALID), "regions": [{**_EMPTY_REGION, **records}]})


def _single_store(**records: object) -> str:
    """A snapshot of an earlier release (one store, no regions), every kind empty but those
    given."""
    kinds = ("images", "service_jobs", "notebook_runs", "packaging_jobs", "tokens")
    empty = {kind: [] for kind in kinds}
    return json.dumps({"format": "aws_mlops_async.local/1", **empty, **records})


_CORRUPT: dict[str, tuple[str, str | bytes, str]] = {
    "not JSON": ("state.json", "{ this is not json", "is not JSON (line 1, column 3"),
    "cut short": ("cut.json", _VALID[: len(_VALID) // 2], "is not JSON"),
    "empty": ("empty.json", "", "is empty"),
    "not UTF-8": ("latin.json", b'{"format": "\xe9"}', "is not UTF-8"),
    "a JSON list": ("list.json", "[1, 2]", "is not a snapshot of this emulator (a JSON list"),
    "a foreign format": ("foreign.json", '{"format": "x"}', "format 'x'"),
    "a member missing": (
        "missing.json",
        json.dumps({"format": "aws_mlops_async.local/2"}),
        "regions: Field required",
    ),
    "a member of an earlier release's missing": (
        "missing-1.json",
        json.dumps({"format": "aws_mlops_async.local/1"}),
        "images: Field required",
    ),
    "a region's member missing": (
        "region.json",
        json.dumps({**json.loads(_VALID), "regions": [{"account_id": "123456789012"}]}),
        "regions[0].region: Field required",
    ),
    "an account id that is not 12 digits": (
        "account.json",
        _with_region(account_id="12345"),
        "regions[0].account_id: an account id is 12 digits, not '12345'",
    ),
    "a region that is not a region name": (
        "region-name.json",
        _with_region(region="Mars 1"),
        "regions[0].region: a region is lowercase letters",
    ),
    "an account's region twice": (
        "twice.json",
        json.dumps({**json.loads(_VALID), "regions": [_EMPTY_REGION, _EMPTY_REGION]}),
        "regions[1]: account 123456789012 in us-east-1 is there twice",
    ),
    "a record of the wrong type": (
        "typed.json",
        _with_region(images=5),
        "regions[0].images: Input should be a valid list",
    ),
    "a record of the wrong type in an earlier release's": (
        "typed-1.json",
        _single_store(images=5),
        "images: Input should be a valid list",
    ),
    "a field of the wrong type": (
        "field.json",
        _with_region(images=[{"name": "i", "created": "yesterday", "versions": []}]),
        "regions[0].images[0].created: Input should be a valid number",
    ),
    "a lifecycle without steps": (
        "steps.json",
        _with_region(
            job_queues=[{"name": "q", "arn": "a", "created": 0, "lifecycle": {"steps": []}}]
        ),
        "regions[0].job_queues[0].lifecycle",
    ),
    "a time that is not finite": (
        "nan.json",
        _with_region(images=[{"name": "i", "created": float("nan"), "versions": []}]),
        "regions[0].images[0].created: Input should be a finite number",
    ),
    "nested too deeply": ("deep.json", "[" * 100_000, "nested too deeply"),
    "a clock offset that is not finite": (
        "clock.json",
        json.dumps({**json.loads(_VALID), "clock_offset": float("inf")}),
        "clock_offset",
    ),
}


def _corrupt(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Snapshot paths the emulator cannot load, each with what it says of it."""
    paths: dict[str, tuple[Path, str]] = {}
    for case, (name, content, says) in _CORRUPT.items():
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths[case] = (path, says)
    (tmp_path / "a-folder").mkdir()
    paths["a directory"] = (tmp_path / "a-folder", "is a directory")
    (tmp_path / "a-file").write_text("")
    paths["a file as its folder"] = (tmp_path / "a-file" / "state.json", "is not a directory")
    return paths


@pytest.mark.parametrize("case", [*_CORRUPT, "a directory", "a file as its folder"])
async def test_a_snapshot_that_cannot_be_loaded_is_a_value_error_naming_it(
    tmp_path: Path, case: str
) -> None:
    path, says = _corrupt(tmp_path)[case]
    endpoint = LocalAws(snapshot=path)
    with pytest.raises(ValueError, match=r"^snapshot ") as caught:
        await endpoint.start()
    assert isinstance(caught.value, SnapshotError)
    assert caught.value.path == path
    message = str(caught.value)
    assert message.startswith(f"snapshot {path} "), message
    assert says in message, message
    assert "\n" not in message
    with pytest.raises(RuntimeError, match="not running"):
        endpoint.url  # noqa: B018 -- it never started serving
    assert endpoint.state.images == {}  # nothing half-loaded


async def test_a_snapshot_in_a_folder_it_cannot_write_is_refused_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    # Root may write anywhere: the folder is made unwritable to this process as the OS
    # would say it to anyone else.
    real_access = os.access
    monkeypatch.setattr(
        "aws_mlops_async.local.server.os.access",
        lambda path, mode: False if Path(path) == folder else real_access(path, mode),
    )
    with pytest.raises(
        ValueError, match=r"read-only/state.json cannot be written: .*read-only is not writable"
    ):
        await LocalAws(snapshot=folder / "state.json").start()


# ---- written owner-only and atomically ------------------------------------------------------


async def test_the_snapshot_is_written_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(_VALID)
    path.chmod(0o644)  # an earlier snapshot, readable by all
    async with LocalAws(snapshot=path) as endpoint, endpoint.session() as session:
        await session.datazone.start_notebook_run(**RUN, parameters={"password": "hunter2"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    copy = await endpoint.save_snapshot(tmp_path / "copy.json")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["copy.json", "state.json"]


async def test_the_snapshot_is_synced_before_it_replaces_the_last_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    events: list[str] = []
    fsync, replace = os.fsync, os.replace

    def synced(fd: int) -> None:
        events.append("fsync")
        fsync(fd)

    def replaced(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        events.append(f"replace {Path(source).parent == tmp_path} -> {Path(target).name}")
        replace(source, target)

    monkeypatch.setattr(os, "fsync", synced)
    monkeypatch.setattr(os, "replace", replaced)
    await LocalAws().save_snapshot(path)
    # The data reaches the disk before the rename (from a file of the same folder), and the
    # rename before the call returns.
    assert events[:2] == ["fsync", "replace True -> state.json"]
    assert json.loads(path.read_text())["format"] == "aws_mlops_async.local/2"


async def test_a_failed_write_keeps_the_last_snapshot_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "state.json"
    path.write_text(_VALID)

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    endpoint = LocalAws()
    endpoint.state.create_image("new")
    with pytest.raises(ValueError, match=r"state.json cannot be written: No space left on device$"):
        await endpoint.save_snapshot(path)
    assert path.read_text() == _VALID
    assert os.listdir(tmp_path) == ["state.json"]


async def test_two_saves_at_once_both_land(tmp_path: Path) -> None:
    endpoint = LocalAws()
    endpoint.state.create_image("img")
    path = tmp_path / "state.json"
    await asyncio.gather(*(endpoint.save_snapshot(path) for _ in range(8)))
    assert json.loads(path.read_text())["regions"][0]["images"][0]["name"] == "img"
    assert os.listdir(tmp_path) == ["state.json"]
