"""Derived idempotency tokens: the same ones 0.1 derived, so its runs still resume."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from aws_mlops_async.bulk import derive_token

# The namespace 0.1 derived tokens in (bulk.py's _TOKEN_NAMESPACE then and now).
NAMESPACE = uuid.UUID("6f0a2b9e-3f1d-4c55-9a53-1d7c2e0b8a41")


@given(run_id=st.text(), index=st.integers(min_value=0, max_value=10**12))
def test_tokens_are_uuid5_of_the_run_id_and_index(run_id: str, index: int) -> None:
    expected = str(uuid.uuid5(NAMESPACE, f"{run_id}/{index}"))
    assert derive_token(run_id, index) == expected
