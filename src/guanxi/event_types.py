"""Every event type the server declares, collected from the domains' `events.py`: the docs
test and the events test iterate this list (it sits above the domains on the import ladder)."""

from __future__ import annotations

from typing import Any

from guanxi.accounts import events as accounts
from guanxi.assets import events as assets
from guanxi.conversations import events as conversations
from guanxi.eventlog.event_type import EventType
from guanxi.moments import events as moments
from guanxi.relationships import events as relationships

EVENT_TYPES: tuple[EventType[Any], ...] = (
    *accounts.EVENTS,
    *relationships.EVENTS,
    *conversations.EVENTS,
    *moments.EVENTS,
    *assets.EXPORT_EVENTS,
    *assets.PLACEHOLDER_EVENTS,
    *assets.IMPORT_EVENTS,
)
