"""The part of the FastAPI integration no registry entry generates: the lifespan that owns the
app's Session, and the Session as a dependency."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import ENCODERS_BY_TYPE

from ..errors import ConfigurationError
from ..modeling import SecretValue
from ..session import Session

# A sensitive value reaching FastAPI's encoder outside a model (a route returning
# ``model.model_dump()``) is written masked, as ``model_dump_json()`` writes it.
ENCODERS_BY_TYPE.setdefault(SecretValue, str)

__all__ = ["SessionDep", "get_session", "session_lifespan"]


def session_lifespan(
    **session_options: Any,
) -> Callable[[FastAPI], AbstractAsyncContextManager[dict[str, Session]]]:
    """A FastAPI lifespan that opens one `Session(**session_options)` and closes it at shutdown.

    The Session goes to the requests served under this lifespan through Starlette's lifespan
    state (as ``request.state.aws_session``), and to code outside requests as
    ``app.state.aws_session``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Session]]:
        # Lifespans of one app may nest (a test client inside another): each hands its own
        # Session to its own requests, closes only that one, and gives back the one it found
        # on app.state.
        found = getattr(app.state, "aws_session", None)
        async with Session(**session_options) as session:
            app.state.aws_session = session
            try:
                yield {"aws_session": session}
            finally:
                if getattr(app.state, "aws_session", None) is session:
                    if found is None:
                        del app.state.aws_session
                    else:
                        app.state.aws_session = found

    return lifespan


def get_session(request: Request) -> Session:
    """The Session of the lifespan serving ``request`` (a dependency); the app's when the
    request carries no lifespan state (its lifespan run by hand, as beside httpx's
    ``ASGITransport``); a clear error when the lifespan was not installed."""
    session = getattr(request.state, "aws_session", None) or getattr(
        request.app.state, "aws_session", None
    )
    if not isinstance(session, Session):
        raise ConfigurationError(
            "No aws_mlops_async Session on this app: create it with "
            "FastAPI(lifespan=session_lifespan(...))"
        )
    return session


SessionDep = Annotated[Session, Depends(get_session)]
"""The app's Session, as a handler parameter."""
