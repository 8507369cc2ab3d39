"""FastAPI integration: one Session for the app's lifetime, its clients handed to handlers.

    app = FastAPI(lifespan=session_lifespan(region_name="us-east-1"))

    @app.post("/jobs")
    async def submit(batch: BatchDep) -> dict[str, str]:
        job = await batch.submit_service_job(...)
        return {"job_id": job.job_id}

Every request shares the Session's one aiohttp connection pool: no pool per request.
`SessionDep` hands out the Session, and one dependency per service (`SageMakerDep`,
`BatchDep`, ...) its client.
"""

from . import _fastapi_clients
from ._fastapi_clients import *  # noqa: F403 - one dependency per service, generated
from ._fastapi_session import SessionDep, get_session, session_lifespan

__all__ = ["SessionDep", "get_session", "session_lifespan", *_fastapi_clients.__all__]
