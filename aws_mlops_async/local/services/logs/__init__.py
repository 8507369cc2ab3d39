"""CloudWatch Logs as the emulator speaks it (awsJson1_1): the log group its SageMaker training
jobs write to, read with DescribeLogGroups, DescribeLogStreams, GetLogEvents and
FilterLogEvents (`aws_mlops_async.local.training_logs` says what the jobs write)."""

from __future__ import annotations

from ....services.logs import operations as ops
from ...errors import LocalError
from ..base import ErrorCode, LocalService, bind
from .common import INVALID
from .events import get_log_events
from .filtering import filter_log_events
from .groups import describe_log_groups
from .streams import describe_log_streams

__all__ = ["SERVICE"]


def _token_conflict(operation: str, token: str) -> LocalError:
    # No CloudWatch Logs operation the emulator serves takes a client token.
    return INVALID.error(f"Client token {token} was already used by a {operation} request.")


SERVICE = LocalService(
    description=ops.SERVICE,
    operations=bind(
        ops.OPERATIONS,
        {
            ops.DESCRIBE_LOG_GROUPS: describe_log_groups,
            ops.DESCRIBE_LOG_STREAMS: describe_log_streams,
            ops.FILTER_LOG_EVENTS: filter_log_events,
            ops.GET_LOG_EVENTS: get_log_events,
        },
    ),
    validation=INVALID,
    throttling=ErrorCode("ThrottlingException", 400),
    internal=ErrorCode("ServiceUnavailableException", 500),
    unavailable=ErrorCode("ServiceUnavailableException", 503),
    token_conflict=_token_conflict,
)
