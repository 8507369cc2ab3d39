"""Telling a cancellation someone asked for from one a closing resource caused."""

from __future__ import annotations

import asyncio

__all__ = ["cancelled_by_caller", "uncancel"]


def cancelled_by_caller() -> bool:
    """Whether the running task was asked to be cancelled (``task.cancel()``), as opposed to
    a wait of it being cancelled by something closing under it.

    Python 3.10 cannot tell the two apart: there it says False, and a cancellation met while
    a Session closes is taken as the close's.
    """
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)
    return bool(cancelling()) if cancelling is not None else False


def uncancel(task: asyncio.Task[object] | None = None) -> None:
    """Take back a cancellation ``task`` (by default the running one) caught and handled,
    turned into an error or an outcome of its own (Python 3.11+ counts them; 3.10 does not)."""
    task = task or asyncio.current_task()
    take_back = getattr(task, "uncancel", None)
    if take_back is not None:
        take_back()
