"""The installed version of aws-mlops-async."""

__version__ = "0.2.0"
