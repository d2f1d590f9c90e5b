"""The Message wire shape is written once (`Message.to_wire`) and /openapi.json describes it:
every message the server hands out — the send answer (both entrances), a history page, an
edit's answer, events live and replayed — has exactly the keys of the `MessageOut` schema,
nested parts included, and values of the types it states."""

from __future__ import annotations

from typing import Any

from guanxi.client import GuanxiClient
from guanxi.settings import Settings
from guanxi.web.app import create_app
from tests import configured, media_files
from tests.conftest import UserFactory, befriend

entrance = configured.entrance  # both entrances of a send

JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def conforms(value: Any, schema: dict[str, Any], spec: dict[str, Any], at: str) -> None:
    """Assert `value` is what `schema` (an OpenAPI 3.1 schema in `spec`) says, objects having
    exactly the properties it lists."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        conforms(value, spec["components"]["schemas"][name], spec, at)
        return
    if "anyOf" in schema:
        failures = []
        for option in schema["anyOf"]:
            try:
                conforms(value, option, spec, at)
                return
            except AssertionError as exc:
                failures.append(str(exc))
        raise AssertionError(f"{at}: {value!r} matches none of {failures}")
    kind = schema["type"]
    assert isinstance(value, JSON_TYPES[kind]), f"{at}: {value!r} is not {kind}"
    assert kind == "boolean" or not isinstance(value, bool), f"{at}: {value!r} is not {kind}"
    if kind == "object":
        assert set(value) == set(schema["properties"]), f"{at}: keys {sorted(value)}"
        for key, item in value.items():
            conforms(item, schema["properties"][key], spec, f"{at}.{key}")
    if kind == "array":
        for i, item in enumerate(value):
            conforms(item, schema["items"], spec, f"{at}[{i}]")


def message_out(tmp_path: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = create_app(Settings(data_dir=tmp_path)).openapi()  # building the app does no I/O
    return spec["components"]["schemas"]["MessageOut"], spec


async def test_every_message_on_the_wire_is_the_openapi_message(
    make_user: UserFactory, tmp_path: Any
) -> None:
    schema, spec = message_out(tmp_path)
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    group = (await mei.create_group("wire", ["lei"]))["id"]
    wires = await _every_part(mei, lei, group)
    full = next(w for w in wires if w["media"] and w["reply_to"] and w["reactions"])
    assert full["mentions"] == ["mei"] and full["client_id"] == "with-everything"
    assert any(w["edited_at"] for w in wires) and any(w["recalled_at"] for w in wires)
    for i, wire in enumerate(wires):
        conforms(wire, schema, spec, f"message {i}")


async def _every_part(mei: GuanxiClient, lei: GuanxiClient, group: int) -> list[dict[str, Any]]:
    """Messages as each path hands them out, between them every optional part set."""
    async with mei.events() as live:
        await live.next_of("ready")
        first = await mei.send(group, "first")
        photo = await lei.upload_media(media_files.image("PNG"), "p.png", "image/png")
        sent = [
            await lei.send(
                group, "@mei look", "image", first["seq"], "with-everything", photo["id"]
            ),
            await mei.send(group, "taken back"),
        ]
        await mei.react(group, sent[0]["seq"], "👍")
        edited = await mei.edit(group, first["seq"], "first, edited")
        recalled = await mei.recall(group, sent[1]["seq"])
        created = [(await live.next_of("message.created"))["message"] for _ in range(3)]
    history = (await mei.history(group))["messages"]
    async with mei.events(cursor=0) as replay:
        replayed = [(await replay.next_of("message.created"))["message"] for _ in range(3)]
    return [first, *sent, edited, recalled, *created, *history, *replayed]
