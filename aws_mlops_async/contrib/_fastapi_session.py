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
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """A FastAPI lifespan that opens one `Session(**session_options)` and closes it at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Lifespans of one app may nest (a test client inside another): each owns and closes
        # only the Session it opened, and gives back the one it found.
        found = getattr(app.state, "aws_session", None)
        async with Session(**session_options) as session:
            app.state.aws_session = session
            try:
                yield
            finally:
                if getattr(app.state, "aws_session", None) is session:
                    if found is None:
                        del app.state.aws_session
                    else:
                        app.state.aws_session = found

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
