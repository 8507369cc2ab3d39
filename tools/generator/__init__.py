"""The pieces of tools/generate_services.py: reading the AWS models, and writing the code."""

from __future__ import annotations

__all__ = ["GenerationError"]


class GenerationError(Exception):
    """What the registry or a model asks that the generator refuses to write; the message
    names the service and what of it is wrong, and what would make it right."""
