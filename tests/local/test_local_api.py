"""The emulator's public surface: every exported name exists, is documented and is exported."""

from __future__ import annotations

import importlib
import inspect

import pytest

import aws_mlops_async.local

MODULES = [
    "aws_mlops_async.local",
    *(
        f"aws_mlops_async.local.{name}"
        for name in (
            "__main__",
            "app",
            "clock",
            "errors",
            "faults",
            "pagination",
            "pytest_plugin",
            "server",
            "settings",
            "sigv4",
            "state",
            "stats",
            "wire",
            "services",
            "services.base",
            "services.batch",
            "services.datazone",
            "services.lookoutvision",
            "services.sagemaker",
        )
    ),
]


@pytest.mark.parametrize("module_name", MODULES)
def test_every_exported_name_exists_and_is_documented(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__doc__
    exported = module.__all__
    assert len(exported) == len(set(exported))
    for name in exported:
        value = getattr(module, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__ and value.__doc__.strip(), f"{module_name}.{name}: no docstring"
            for member_name, member in vars(value).items():
                if inspect.isfunction(member) and not member_name.startswith("_"):
                    assert member.__doc__, f"{module_name}.{name}.{member_name}: no docstring"
    public_classes = {
        name
        for name, value in vars(module).items()
        if inspect.isclass(value) and value.__module__ == module.__name__ and name[0] != "_"
    }
    assert public_classes <= set(exported), f"not exported: {public_classes - set(exported)}"


def test_the_package_names_load_lazily_and_unknown_names_fail() -> None:
    assert set(aws_mlops_async.local.__all__) <= set(dir(aws_mlops_async.local))
    for name in aws_mlops_async.local.__all__:
        assert getattr(aws_mlops_async.local, name) is not None
    with pytest.raises(AttributeError):
        aws_mlops_async.local.NoSuchThing  # noqa: B018
