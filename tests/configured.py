"""A clock that moves only when told (`clock = configured.clock` in a test module replaces
conftest's), both entrances of a send (`entrance = configured.entrance` runs each of the
module's tests against web/send_path.py and against the FastAPI route), and
`@configured(name=value, …)`: a test's own settings, which conftest's `settings` fixture
applies; `settings = configured.settings(name=value, …)` gives every test of a module its
settings."""

from __future__ import annotations

import time
from typing import Any

import pytest

from guanxi.clock import FixedClock
from guanxi.settings import Settings


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(time.time_ns() // 1_000_000)


@pytest.fixture(params=["send_path", "route"])
def entrance(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def configured(**changes: Any) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("settings", [changes], indirect=True)


def settings(**changes: Any) -> Any:
    """A module's `settings` fixture: conftest's with these changes (a test's own
    `@configured(…)` on top)."""

    @pytest.fixture(name="settings")
    def changed(settings: Settings, request: pytest.FixtureRequest) -> Settings:
        return settings.model_copy(update={**changes, **getattr(request, "param", {})})

    return changed
