"""Amazon CloudWatch Logs models, one module per operation: import them from ``models``."""

from __future__ import annotations
