"""The planlib version: this file is where the package build reads it from (pyproject.toml)."""

__version__ = "0.1.0"
