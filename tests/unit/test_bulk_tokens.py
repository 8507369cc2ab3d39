"""Derived idempotency tokens: the same ones 0.1 derived, so its runs still resume."""

from __future__ import annotations

import unicodedata
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aws_mlops_async import ConfigurationError
from aws_mlops_async.bulk import MAX_RUN_ID, derive_token

# The namespace 0.1 derived tokens in (bulk.py's _TOKEN_NAMESPACE then and now).
NAMESPACE = uuid.UUID("6f0a2b9e-3f1d-4c55-9a53-1d7c2e0b8a41")


#: The run ids a bulk run takes (and so derive_token): printable, not all blank, at most 256.
RUN_IDS = st.text(min_size=1, max_size=MAX_RUN_ID).filter(lambda s: s.isprintable() and s.strip())


@given(run_id=RUN_IDS, index=st.integers(min_value=0, max_value=10**12))
def test_tokens_are_uuid5_of_the_run_id_and_index(run_id: str, index: int) -> None:
    # Run ids are read in Unicode NFC: one already NFC derives exactly 0.1's tokens, and one
    # typed decomposed (or a compatibility character, U+F900) those of its NFC form.
    expected = str(uuid.uuid5(NAMESPACE, f"{unicodedata.normalize('NFC', run_id)}/{index}"))
    assert derive_token(run_id, index) == expected


@pytest.mark.parametrize("run_id", ["", " ", "\x1b", "\ud800", "x" * (MAX_RUN_ID + 1), b"x", {}])
def test_a_run_id_no_run_takes_is_refused_naming_it(run_id: object) -> None:
    with pytest.raises(ConfigurationError, match="run_id must be"):
        derive_token(run_id, 0)  # type: ignore[arg-type]
