"""A clock that moves only when told (`clock = configured.clock` in a test module replaces
conftest's), and `@configured(name=value, …)`: a test's own settings, which conftest's
`settings` fixture applies."""

from __future__ import annotations

import time
from typing import Any

import pytest

from guanxi.clock import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(time.time_ns() // 1_000_000)


def configured(**changes: Any) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("settings", [changes], indirect=True)
