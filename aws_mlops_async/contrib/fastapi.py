"""FastAPI integration: one Session for the app's lifetime, its clients handed to handlers.

    app = FastAPI(lifespan=session_lifespan(region_name="us-east-1"))

    @app.post("/jobs")
    async def submit(batch: BatchDep) -> dict[str, str]:
        job = await batch.submit_service_job(...)
        return {"job_id": job.job_id}

Every request shares the Session's one aiohttp connection pool: no pool per request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from ..errors import ConfigurationError
from ..services.batch.client import BatchClient
from ..services.datazone.client import DataZoneClient
from ..services.lookoutvision.client import LookoutVisionClient
from ..services.sagemaker.client import SageMakerClient
from ..session import Session

__all__ = [
    "BatchDep",
    "DataZoneDep",
    "LookoutVisionDep",
    "SageMakerDep",
    "SessionDep",
    "get_session",
    "session_lifespan",
]


def session_lifespan(
    **session_options: Any,
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A FastAPI lifespan that opens one `Session(**session_options)` and closes it at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with Session(**session_options) as session:
            app.state.aws_session = session
            try:
                yield
            finally:
                del app.state.aws_session

    return lifespan


def get_session(request: Request) -> Session:
    """The app's Session (a dependency); a clear error when the lifespan was not installed."""
    session = getattr(request.app.state, "aws_session", None)
    if not isinstance(session, Session):
        raise ConfigurationError(
            "No aws_mlops_async Session on this app: create it with "
            "FastAPI(lifespan=session_lifespan(...))"
        )
    return session


SessionDep = Annotated[Session, Depends(get_session)]
"""The app's Session, as a handler parameter."""


def _sagemaker(session: SessionDep) -> SageMakerClient:
    return session.sagemaker


def _batch(session: SessionDep) -> BatchClient:
    return session.batch


def _datazone(session: SessionDep) -> DataZoneClient:
    return session.datazone


def _lookoutvision(session: SessionDep) -> LookoutVisionClient:
    return session.lookoutvision


SageMakerDep = Annotated[SageMakerClient, Depends(_sagemaker)]
"""The app's SageMaker client, as a handler parameter."""
BatchDep = Annotated[BatchClient, Depends(_batch)]
"""The app's AWS Batch client, as a handler parameter."""
DataZoneDep = Annotated[DataZoneClient, Depends(_datazone)]
"""The app's DataZone client, as a handler parameter."""
LookoutVisionDep = Annotated[LookoutVisionClient, Depends(_lookoutvision)]
"""The app's Lookout for Vision client, as a handler parameter."""
