"""The one seam calls go through, as what is built on top of a client sees it."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .modeling import AwsModel
from .options import CallOptions
from .protocol.spec import OperationSpec

if TYPE_CHECKING:
    from .client import SessionLike

__all__ = ["Invoker"]

RequestT = TypeVar("RequestT", bound=AwsModel)
ResponseT = TypeVar("ResponseT", bound=AwsModel)


class Invoker(Protocol):
    """What paginators, bulk runs and watches need of a client (every service client is one):
    its call options and Session, a validated request, and a call."""

    @property
    def options(self) -> CallOptions:
        """The options the client's calls are made with."""
        ...

    @property
    def session(self) -> SessionLike:
        """The Session the client sends with (its credentials, whether it is closed)."""
        ...

    @property
    def sent_to(self) -> str | None:
        """The ``host:port`` the client's requests go to (None before the first)."""
        ...

    def build_request(
        self,
        spec: OperationSpec[RequestT, Any],
        request: RequestT | Mapping[str, Any] | object,
        *,
        token: str | None = None,
    ) -> RequestT:
        """The validated request model, its idempotency token filled (``token`` or a fresh
        one); a ValidationError naming every invalid field."""
        ...

    def invoke(
        self,
        spec: OperationSpec[RequestT, ResponseT],
        request: RequestT | Mapping[str, Any],
        *,
        options: CallOptions | None = None,
        validated: bool = False,
    ) -> Awaitable[ResponseT]:
        """One call of the operation, retries included: its response model (``validated``:
        a request `build_request` made, changed only by what the service handed back)."""
        ...
