"""Hooks into every call: before and after each attempt, and around the whole call.

An interceptor is any object with some of these methods, each sync or async, each taking the
call's `CallContext`:

- ``before_call(context)``: once, before the request is validated (``context.request`` is
  None until it is);
- ``before_attempt(context)``: before each attempt is signed; ``context.request_headers``
  takes headers to add (they are signed with the rest);
- ``after_attempt(context)``: after each attempt, with ``context.http_response`` or
  ``context.error``, the attempt number and ``context.retry_delay`` (None when the call does
  not retry);
- ``after_call(context)``: once, however the call ends (refused as invalid, failed, cancelled
  or answered), with ``context.result`` or ``context.error`` (the final one) and
  ``context.response_metadata``.

Interceptors run in the order given (the Session's, then a client's own), but ``after_call``
in the reverse order, as nested context managers end: the last to begin ends first. An
exception an interceptor raises ends the call with that exception, whatever it is; even then,
the ``after_call`` of every interceptor whose ``before_call`` was called runs (so a span it
opened is ended). The context never holds credentials or a signature.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import ConfigurationError

if TYPE_CHECKING:
    from .metadata import ResponseMetadata
    from .modeling import AwsModel
    from .protocol import HttpResponse

__all__ = ["CallContext", "Interceptor"]

#: The methods an interceptor may have.
HOOKS = ("before_call", "before_attempt", "after_attempt", "after_call")

#: What an interceptor is: any object; the hooks it has are found by name.
Interceptor = object


@dataclass(eq=False)
class CallContext:
    """One call as interceptors see it; one context serves all the hooks of a call, so an
    interceptor can keep its own state in ``data``."""

    #: The service's id, as in ``Batch`` or ``SageMaker``.
    service_id: str
    #: The operation's name, as in ``SubmitServiceJob``.
    operation: str
    #: The region the call is signed for; None until it is known (a client's first call).
    region: str | None = None
    #: The validated request model; None until validated (and for a call refused as invalid).
    request: AwsModel | None = None
    #: The attempt about to be made or just made, from 1.
    attempt: int = 0
    #: Headers to add to this attempt's request (``before_attempt`` only); signed.
    request_headers: dict[str, str] = field(default_factory=dict)
    #: The last attempt's response, when one came back.
    http_response: HttpResponse | None = None
    #: The last attempt's error, or in ``after_call`` what ended the call: an `AwsError`,
    #: an interceptor's exception, or ``asyncio.CancelledError``.
    error: BaseException | None = None
    #: Seconds the call waits before its next attempt; None when it does not retry.
    retry_delay: float | None = None
    #: The call's result, in ``after_call`` when it succeeded.
    result: AwsModel | None = None
    #: The call's response metadata, in ``after_call`` when a response came back.
    response_metadata: ResponseMetadata | None = None
    #: Room for interceptors' own state during the call.
    data: dict[str, Any] = field(default_factory=dict)


Hook = Callable[[CallContext], "Awaitable[None] | None"]
ResultT = TypeVar("ResultT")


class Hooks:
    """The interceptors' methods, found once, ready to run in order."""

    __slots__ = ("_around", "after_attempt", "before_attempt", "interceptors")

    def __init__(self, interceptors: Sequence[Interceptor]) -> None:
        self.interceptors = tuple(interceptors)
        self.before_attempt = self._found("before_attempt")
        self.after_attempt = self._found("after_attempt")
        #: Each interceptor's (before_call, after_call), either None when it lacks it.
        self._around: tuple[tuple[Hook | None, Hook | None], ...] = tuple(
            (_method(interceptor, "before_call"), _method(interceptor, "after_call"))
            for interceptor in self.interceptors
        )

    def __bool__(self) -> bool:
        return bool(self.interceptors)

    def _found(self, name: str) -> tuple[Hook, ...]:
        return tuple(
            method
            for interceptor in self.interceptors
            if (method := _method(interceptor, name)) is not None
        )

    @staticmethod
    async def run(hooks: tuple[Hook, ...], context: CallContext) -> None:
        """Run each hook on ``context``, awaiting those that are coroutines."""
        for hook in hooks:
            result = hook(context)
            if inspect.isawaitable(result):
                await result

    async def around_call(
        self,
        context: CallContext,
        call: Callable[[], Awaitable[ResultT]],
        metadata_of: Callable[[ResultT], ResponseMetadata | None],
        bound: Callable[[Awaitable[ResultT]], Awaitable[ResultT]] | None = None,
    ) -> ResultT:
        """``call()``'s result, with every ``before_call`` run before it and the
        ``after_call`` of each interceptor whose ``before_call`` was called run after it,
        however it ends (the first exception an ``after_call`` raises is raised once they
        all ran). ``bound`` (a call timeout) wraps the ``before_call`` hooks and the call,
        never the ``after_call`` hooks, which must see every ending."""
        called = 0

        async def begin_and_call() -> ResultT:
            nonlocal called
            for before, _ in self._around:
                called += 1
                if before is not None:
                    await self.run((before,), context)
            return await call()

        try:
            result = await (bound(begin_and_call()) if bound else begin_and_call())
        except BaseException as error:  # interceptors see every ending, cancellation too
            context.error = error
            context.response_metadata = getattr(error, "response_metadata", None)
            await self._after_calls(context, called)
            raise
        context.result = result  # type: ignore[assignment]  # a response model
        context.response_metadata = metadata_of(result)
        await self._after_calls(context, called)
        return result

    async def _after_calls(self, context: CallContext, called: int) -> None:
        failure: BaseException | None = None
        for _, after in reversed(self._around[:called]):  # the last to begin ends first
            if after is None:
                continue
            try:
                await self.run((after,), context)
            except BaseException as error:
                failure = failure or error
        if failure is not None:
            raise failure


def _method(interceptor: Interceptor, name: str) -> Hook | None:
    method = getattr(interceptor, name, None)
    return method if callable(method) else None


def check_interceptors(interceptors: object) -> tuple[Interceptor, ...]:
    """The interceptors as a tuple; a ConfigurationError when they are not a sequence of
    objects having at least one hook each."""
    if isinstance(interceptors, (str, bytes)) or not isinstance(interceptors, Sequence):
        raise ConfigurationError("interceptors must be a list of interceptor objects")
    for interceptor in interceptors:
        if not any(callable(getattr(interceptor, name, None)) for name in HOOKS):
            raise ConfigurationError(
                f"{interceptor!r} is not an interceptor: it has none of the methods "
                + ", ".join(HOOKS)
            )
    return tuple(interceptors)
