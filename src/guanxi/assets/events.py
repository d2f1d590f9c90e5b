"""The events of exports and imports: each addressed to the one user whose job it is (stored
with `user_id`), so a device that reconnects learns how its export or import ended; and of
placeholder contacts, addressed to their owner alone."""

from __future__ import annotations

from typing import Any, TypedDict

from guanxi.eventlog.event_type import EventType


class ExportPayload(TypedDict):
    export: dict[str, Any]  # Job.to_wire(): what GET /api/v1/me/exports/{id} answers


# `import` is a keyword, hence the functional form; the value is Job.to_wire(), what
# GET /api/v1/me/imports/{id} answers.
ImportPayload = TypedDict("ImportPayload", {"import": dict[str, Any]})


EXPORT_PROGRESS = EventType(
    "export.progress", ExportPayload, to="the exporting user's devices (at most one a second)"
)
EXPORT_DONE = EventType(
    "export.done", ExportPayload, to="the exporting user's devices, when it is done or failed"
)
IMPORT_PROGRESS = EventType(
    "import.progress", ImportPayload, to="the importing user's devices (at most one a second)"
)
IMPORT_DONE = EventType(
    "import.done", ImportPayload, to="the importing user's devices, when it is done or failed"
)


class PlaceholderPayload(TypedDict):
    placeholder: dict[str, Any]  # PlaceholderContact.to_wire(), as GET /me/placeholders lists it


PLACEHOLDER_LINKED = EventType(
    "placeholder.linked",
    PlaceholderPayload,
    to="the placeholder's owner's devices (never the linked account)",
)

EXPORT_EVENTS: tuple[EventType[Any], ...] = (EXPORT_PROGRESS, EXPORT_DONE)
IMPORT_EVENTS: tuple[EventType[Any], ...] = (IMPORT_PROGRESS, IMPORT_DONE)
PLACEHOLDER_EVENTS: tuple[EventType[Any], ...] = (PLACEHOLDER_LINKED,)
EVENTS = EXPORT_EVENTS + IMPORT_EVENTS + PLACEHOLDER_EVENTS
