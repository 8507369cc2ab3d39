"""Config accepts infinite timeouts ("a positive number or None") and then every call fails
with a raw OverflowError.

Promise (config.py): Config is "checked when created"; a timeout "must be a positive number
or None" (float('inf') passes the check); README: "What a call can raise is an AwsError, and
nothing else".

Observed: Config(connect_timeout=inf) and Config(total_timeout=inf) (or with_options(...)):
  OverflowError: cannot convert float infinity to integer
on every call (aiohttp's timer); read_timeout=inf and call_timeout=inf work.
Expected: inf refused by Config (ConfigurationError), or taken as "no limit".
"""

from __future__ import annotations

import math

import pytest
from aiohttp import web
from attack_support import JOB, SUBMITTED, Loopback, loop_session

from aws_mlops_async import AwsError, Config, ConfigurationError


async def ok(request: web.Request) -> web.Response:
    return web.json_response(SUBMITTED)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("option", ["connect_timeout", "total_timeout"])
async def test_an_infinite_timeout_is_refused_or_means_no_limit(option: str) -> None:
    try:
        config = Config(**{option: math.inf})
    except ConfigurationError:
        return  # refused when created: fine
    async with Loopback(ok) as server, loop_session(server.url, config=config) as session:
        try:
            await session.batch.submit_service_job(**JOB)
        except Exception as error:
            print(option, "=inf: raised", type(error).__name__, error)
            assert isinstance(error, AwsError)
