"""Per-test settings and a clock that moves only when told: import `settings` and `clock` into
a test module to replace conftest's, then mark a test `@configured(name=value, …)`."""

from __future__ import annotations

import time
from typing import Any

import pytest

from guanxi.clock import FixedClock
from guanxi.settings import Settings


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(time.time_ns() // 1_000_000)


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    changes: dict[str, Any] = getattr(request, "param", {})
    return settings.model_copy(update=changes)


def configured(**changes: Any) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("settings", [changes], indirect=True)
