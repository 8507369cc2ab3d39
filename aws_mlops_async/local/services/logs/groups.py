"""DescribeLogGroups: the log groups there are, by name.

The emulator holds one group, the training jobs' (`LOG_GROUP`), from when the first training
job writes its first line. ``logGroupNamePrefix`` keeps the groups whose names start with it
(case-sensitive); ``logGroupNamePattern`` those whose names contain it (case-insensitive); not
both (InvalidParameterException), as in CloudWatch Logs. ``limit`` groups a page (1 to 50, 50
unless set), by name. ``arn`` ends with ``:*``, ``logGroupArn`` does not, as CloudWatch Logs
answers them.
"""

from __future__ import annotations

from ....modeling import wire_dump
from ....services.logs.models import DescribeLogGroupsRequest, DescribeLogGroupsResponse
from ....services.logs.models import LogGroup as LogGroupModel
from ...pagination import InvalidToken, page
from ..base import Call
from .common import BAD_TOKEN, INVALID, LogGroup, training_group

__all__ = ["describe_log_groups"]

_DEFAULT_LIMIT = 50


def describe_log_groups(call: Call, request: DescribeLogGroupsRequest) -> DescribeLogGroupsResponse:
    """DescribeLogGroups: a page of the groups whose names the request keeps."""
    prefix, pattern = request.log_group_name_prefix, request.log_group_name_pattern
    if prefix is not None and pattern is not None:
        raise INVALID.error(
            "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."
        )
    group = training_group(call)
    groups = [
        group
        for group in ([] if group is None else [group])
        if (prefix is None or group.name.startswith(prefix))
        and (pattern is None or pattern.lower() in group.name.lower())
    ]
    try:
        chunk, next_token = page(
            groups,
            lambda group: (group.name,),
            descending=False,
            limit=request.limit or _DEFAULT_LIMIT,
            token=request.next_token,
            query=wire_dump(request, exclude_none=False, exclude={"next_token", "limit"}),
        )
    except InvalidToken:
        raise INVALID.error(BAD_TOKEN) from None
    return DescribeLogGroupsResponse(
        log_groups=[_described(group) for group in chunk], next_token=next_token
    )


def _described(group: LogGroup) -> LogGroupModel:
    return LogGroupModel(
        log_group_name=group.name,
        creation_time=group.created,
        metric_filter_count=0,
        arn=f"{group.arn}:*",
        log_group_arn=group.arn,
        stored_bytes=0,
        log_group_class="STANDARD",
    )
