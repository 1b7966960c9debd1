"""Shared fixtures and the Hypothesis settings profiles (select with HYPOTHESIS_PROFILE)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

# ci: derandomised (the same examples on every run), enough examples to mean something; dev:
# quick, random; thorough: long runs, at least 1,000 examples for the cheap properties. Every
# profile prints the shrunk failing example and the blob that reproduces it.
_SLOW_OK = [HealthCheck.too_slow]
settings.register_profile(
    "ci", derandomize=True, max_examples=200, deadline=None, print_blob=True, suppress_health_check=_SLOW_OK,
)
settings.register_profile("dev", max_examples=50, deadline=None, print_blob=True, suppress_health_check=_SLOW_OK)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, print_blob=True,
    phases=list(Phase), suppress_health_check=_SLOW_OK,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
settings.load_profile(PROFILE)


def heavy(**kwargs: Any) -> settings:
    """Settings for a property whose every example matches a whole corpus: under ``dev`` and
    ``ci`` a quarter of the profile's examples (at least 25), so the default run stays fast;
    under ``thorough`` all of them."""
    assert settings.default is not None
    n = settings.default.max_examples
    return settings(max_examples=n if PROFILE == "thorough" else max(25, n // 4), **kwargs)


ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_045f09aee9797ed8.txt"
SHARED = ROOT.parent / "shared"
REPORTING = ROOT / "tests" / "data" / "reporting"


@pytest.fixture(scope="session")
def plan():  # type: ignore[no-untyped-def]
    import planlib

    return planlib.load_plan()


@pytest.fixture(scope="session")
def seed_sources():  # type: ignore[no-untyped-def]
    import planlib

    return planlib.read_sources()


@pytest.fixture(scope="session")
def seed_gold_path() -> Path:
    """The seed's labelled links: the shared copy when present, else the one in tests/data."""
    shared = SHARED / "eval" / "seed-gold.toml"
    return shared if shared.exists() else ROOT / "tests" / "data" / "seed-gold.toml"
