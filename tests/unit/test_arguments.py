"""aws_mlops_async.arguments: the checks every public argument goes through where it enters."""

from __future__ import annotations

import pytest

from aws_mlops_async import ConfigurationError, Session
from aws_mlops_async.arguments import SHOWN, known_name, one_of, printable, region, text


class RaisingStr(str):
    """A str whose comparisons and hash raise, as a hostile caller's may."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("__eq__")

    def __hash__(self) -> int:
        raise RuntimeError("__hash__")


def test_a_str_subclass_is_taken_as_the_plain_str_it_holds() -> None:
    taken = text("job_id", RaisingStr("job-1"))
    assert type(taken) is str
    assert taken == "job-1"
    assert known_name("name", RaisingStr("a"), {"a": 1}, "nothing has") == "a"


def test_a_refusal_shows_at_most_a_few_dozen_characters_of_the_value() -> None:
    with pytest.raises(ConfigurationError) as refused:
        known_name("name", "x" * 1_000_000, ("a",), "it has no name")
    assert len(str(refused.value)) < SHOWN + 40
    assert str(refused.value).startswith("it has no name 'xxx")


@pytest.mark.parametrize("value", [{}, bytearray(b"x"), 1, None])
def test_a_name_of_another_type_is_refused_before_it_is_hashed(value: object) -> None:
    with pytest.raises(ConfigurationError, match=r"^name must be a str"):
        known_name("name", value, {"a": 1}, "nothing has")


def test_a_choice_is_compared_only_with_choices_of_its_own_type() -> None:
    assert one_of("retry_mode", "standard", ("legacy", "standard")) == "standard"
    with pytest.raises(ConfigurationError, match="retry_mode must be"):
        one_of("retry_mode", RaisingStr("standard"), ("legacy", "standard"))


@pytest.mark.parametrize("value", ["", " ", "a\r\nb", "\x00", "us east", "-us", "x" * 64, 1])
def test_a_region_is_a_host_label(value: object) -> None:
    with pytest.raises(ConfigurationError, match=r"^region_name must be"):
        region("region_name", value)


@pytest.mark.parametrize(("value", "wanted"), [("s3cr3t\n", "printable ASCII"), (73, "a str")])
def test_a_secret_refused_is_not_shown(value: object, wanted: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        printable("aws_secret_access_key", value, max_length=128, secret=True)
    assert str(value).strip() not in str(refused.value)
    assert f"aws_secret_access_key must be {wanted}" in str(refused.value)


@pytest.mark.parametrize("name", ["x", RaisingStr("x"), {}, None])
def test_a_client_without_waiters_refuses_every_name(name: object) -> None:
    session = Session(region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    with pytest.raises(ConfigurationError, match=r"name must be a str|has no waiter"):
        session.logs.get_waiter(name)  # type: ignore[arg-type]
