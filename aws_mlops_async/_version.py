"""The installed version of aws-mlops-async."""

__version__ = "0.1.0"
