"""Garrison: security as code, from the first commit to production."""

__version__ = "0.1.0"
