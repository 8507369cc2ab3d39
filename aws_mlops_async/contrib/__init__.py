"""Integrations with web frameworks; each imports its framework, so import only what you use."""
