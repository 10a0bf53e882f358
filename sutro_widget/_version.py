"""The package version, in one place for the User-Agent and packaging checks."""

__version__ = "0.1.0"
