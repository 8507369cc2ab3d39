"""aws_mlops_async: a typed asyncio client for the AWS operations ML platform teams call all day.

async with Session(region_name="us-east-1") as session:
    job = await session.batch.submit_service_job(job_name="train-1", ...)
"""

from typing import TYPE_CHECKING

from ._lazy import lazy_exports
from ._version import __version__
from .config import Config, RetryMode
from .credentials import Credentials
from .errors import (
    AwsError,
    ConfigurationError,
    ConnectionFailed,
    CredentialsError,
    EndpointUnreachable,
    EventLoopMismatch,
    MalformedResponseError,
    NoCredentialsError,
    NoRegionError,
    ServiceError,
    SessionClosedError,
    Timeout,
    TransportError,
    ValidationError,
    WaiterError,
)
from .metadata import ResponseMetadata
from .pagination import PaginationConfig
from .session import Session

# The runtime every client shares loads with the package; a service's own client, operation
# specs and models wait for its first use, bulk submission for its first run.
from . import client, waiters  # noqa: F401  isort: skip

if TYPE_CHECKING:
    from .bulk import BulkProgress, BulkRunError, BulkSubmission, Outcome

__all__ = [
    "AwsError",
    "BulkProgress",
    "BulkRunError",
    "BulkSubmission",
    "Config",
    "ConfigurationError",
    "ConnectionFailed",
    "Credentials",
    "CredentialsError",
    "EndpointUnreachable",
    "EventLoopMismatch",
    "MalformedResponseError",
    "NoCredentialsError",
    "NoRegionError",
    "Outcome",
    "PaginationConfig",
    "ResponseMetadata",
    "RetryMode",
    "ServiceError",
    "Session",
    "SessionClosedError",
    "Timeout",
    "TransportError",
    "ValidationError",
    "WaiterError",
    "__version__",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        dict.fromkeys(("BulkProgress", "BulkRunError", "BulkSubmission", "Outcome"), "bulk"),
    )
