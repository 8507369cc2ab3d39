"""The emulator's package loads its names lazily (tests/unit/test_public_api.py checks
that every exported name is documented)."""

from __future__ import annotations

import pytest

import aws_mlops_async.local


def test_the_package_names_load_lazily_and_unknown_names_fail() -> None:
    assert set(aws_mlops_async.local.__all__) <= set(dir(aws_mlops_async.local))
    for name in aws_mlops_async.local.__all__:
        assert getattr(aws_mlops_async.local, name) is not None
    with pytest.raises(AttributeError):
        aws_mlops_async.local.NoSuchThing  # noqa: B018
