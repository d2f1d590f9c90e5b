"""Bad input answers a clear 4xx JSON error, writes nothing, and never a 500."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from guanxi.client import GuanxiClient
from guanxi.clock import Clock
from guanxi.services import build_services
from guanxi.settings import Settings
from guanxi.web.app import create_app
from tests import configured
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, said

MiB = 1_048_576
entrance = configured.entrance  # every test against both entrances of a send


class Raw:
    """Plain HTTP, for what the client cannot express; with mei's token."""

    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http = http
        self.auth = {"Authorization": f"Bearer {token}"}

    async def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.auth, **kwargs.pop("headers", {})}
        if "json" in kwargs:  # ASCII-escaped: lone surrogates travel as \u escapes
            kwargs["content"] = json.dumps(kwargs.pop("json")).encode()
            headers.setdefault("Content-Type", "application/json")
        return await self.http.request(method, "/api/v1" + path, headers=headers, **kwargs)


@pytest.fixture
async def scene(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    """mei and lei, friends, with one message in their direct chat."""
    mei = await make_user("mei", "林美")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = int((await mei.open_direct("lei"))["id"])
    await mei.send(chat, "first")
    return mei, lei, chat


@pytest.fixture
async def raw(
    server: RunningServer, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> AsyncIterator[Raw]:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        assert scene[0].token is not None
        yield Raw(http, scene[0].token)


def assert_error(answer: httpx.Response, *statuses: int) -> dict[str, Any]:
    """A JSON error of the shape the contract promises, with one of these statuses."""
    assert answer.status_code in statuses, (answer.status_code, answer.text)
    assert answer.headers["content-type"].startswith("application/json")
    error: dict[str, Any] = answer.json()["error"]
    assert set(error) == {"code", "message"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    return error


async def stored_texts(client: GuanxiClient, chat: int) -> list[str]:
    return [m["text"] for m in (await client.history(chat))["messages"]]


def send_path(chat: int) -> str:
    return f"/conversations/{chat}/messages"


MALFORMED = [
    b"{",
    b"not json",
    b'{"text": "a",}',
    b"\xff\xfe\x00",
    b'{"text": "\xff"}',
    b"",
    b"null",
    b"[]",
    b'"text"',
    b"1e999999",
]


async def test_malformed_json(raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]) -> None:
    mei, _, chat = scene
    json_type = {"Content-Type": "application/json"}
    for body in MALFORMED:
        for path in (send_path(chat), "/accounts", "/friend-requests", "/me"):
            method = "PATCH" if path == "/me" else "POST"
            answer = await raw(method, path, content=body, headers=json_type)
            assert answer.status_code in (400, 422), (path, body)
            assert_error(answer, 400, 422)
    assert await stored_texts(mei, chat) == ["first"]
    assert (await mei.me())["display_name"] == "林美"
    assert (await mei.friend_requests())["outgoing"] == []


WRONG = [
    {"client_id": "a", "kind": "text", "text": 5},
    {"client_id": "a", "kind": "text", "text": ["hi"]},
    {"client_id": "a", "kind": "text", "text": None},
    {"client_id": "a", "kind": 1, "text": "hi"},
    {"client_id": 7, "kind": "text", "text": "hi"},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": "1"},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": 1.5},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": True},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": 0},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": -1},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": 10**40},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": 2**63},
    {"client_id": "a b", "kind": "text", "text": "hi"},
    {"client_id": "a" * 65, "kind": "text", "text": "hi"},
    {"client_id": "a", "kind": "text", "text": "hi", "media_id": "m1"},
    {"client_id": "a", "kind": "text", "text": "hi", "unknown": 1},
    {"client_id": "a", "kind": "text", "text": "hi", "sender": "lei"},
    {"client_id": "a", "kind": "text", "text": "bad\u0000nul"},
    {"client_id": "a", "kind": "text", "text": "lone \ud800 half"},
    {"client_id": "a", "kind": "text", "text": "\udfff"},
    {"client_id": "a", "kind": "text", "text": "x" * 20001},
]


async def test_wrong_fields_to_send_are_refused_and_nothing_is_written(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    mei, lei, chat = scene
    for body in WRONG:
        answer = await raw("POST", send_path(chat), json=body)
        assert answer.status_code in (400, 422), body
        assert_error(answer, 400, 422)
    assert await stored_texts(mei, chat) == ["first"]
    assert (await lei.conversations())[0]["unread"] == 1


async def test_lone_surrogate_escapes_in_raw_json(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    mei, _, chat = scene
    for escaped in (rb"\ud83d", rb"\udc00x", rb"a\ud800\ud800"):
        body = b'{"client_id": "a", "kind": "text", "text": "' + escaped + b'"}'
        answer = await raw(
            "POST", send_path(chat), content=body, headers={"Content-Type": "application/json"}
        )
        assert_error(answer, 400, 422)
    # a proper surrogate pair is one emoji and is fine
    body = b'{"client_id": "b", "kind": "emoji", "text": "\\ud83d\\ude00"}'
    answer = await raw(
        "POST", send_path(chat), content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 201
    assert answer.json()["text"] == "😀"
    assert await stored_texts(mei, chat) == ["😀", "first"]


async def test_sends_without_a_proper_token_body_or_path_are_refused(
    raw: Raw, server: RunningServer, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    """The send call has its own fast path (web/send_path.py): every edge answers like the
    other calls do, and none writes anything."""
    mei, lei, chat = scene
    good = b'{"client_id": "x1", "kind": "text", "text": "hello"}'
    json_type = {"Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=30) as anon:
        for auth in ({}, {"Authorization": "Basic bWVpOnB3"}, {"Authorization": "Bearer"}):
            answer = await anon.post(send_path(chat), content=good, headers={**json_type, **auth})
            assert assert_error(answer, 401)["code"] == "unauthorized"
        wrong = {"Authorization": "Bearer not-a-token", **json_type}
        assert_error(await anon.post(send_path(chat), content=good, headers=wrong), 401)
    for body in (b"", b"{", b"null", b"[]", b'"text"', b'{"text": "a"} trailing'):
        assert_error(await raw("POST", send_path(chat), content=body, headers=json_type), 422)
    for content_type in ("text/plain", "application/x-www-form-urlencoded"):
        headers = {"Content-Type": content_type}
        assert_error(await raw("POST", send_path(chat), content=good, headers=headers), 400, 422)
    for other in (0, -1, 2**53 + 1, 10**20):
        assert_error(await raw("POST", send_path(other), content=good, headers=json_type), 422)
    assert_error(await raw("POST", send_path(chat + 1000), content=good, headers=json_type), 404)
    assert await stored_texts(mei, chat) == ["first"]
    # the same body with a vendor JSON type is a plain send, and twice is one message
    vendor = {"Content-Type": "application/vnd.guanxi+json; charset=utf-8"}
    first = await raw("POST", send_path(chat), content=good, headers=vendor)
    again = await raw("POST", send_path(chat), content=good, headers=vendor)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert await stored_texts(mei, chat) == ["hello", "first"]
    assert (await lei.conversations())[0]["unread"] == 2


BAD_TEXT = ["nul\u0000", "half \ud800", "bell \u0007"]


@pytest.mark.parametrize("text", BAD_TEXT)
async def test_bad_text_everywhere_writes_nothing(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int], text: str
) -> None:
    mei, _, chat = scene
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/accounts", {"handle": "newbie", "password": PASSWORD, "display_name": text}),
        ("POST", "/sessions", {"handle": "mei", "password": text}),
        ("PATCH", "/me", {"display_name": text}),
        ("PATCH", "/me", {"bio": text}),
        ("POST", "/friend-requests", {"to": "lei", "greeting": text, "role": "family"}),
        ("POST", "/friend-requests", {"to": text, "greeting": "", "role": "family"}),
        ("PATCH", "/friends/lei", {"remark": text}),
        ("PATCH", "/friends/lei", {"tags": [text]}),
        ("POST", "/conversations", {"kind": "group", "name": text, "members": []}),
        ("POST", "/conversations", {"kind": "group", "name": "g", "members": [text]}),
        ("POST", "/conversations", {"kind": "direct", "with": text}),
        ("PATCH", f"/conversations/{chat}/messages/1", {"text": text}),
    ]
    if text != "bell \u0007":  # control characters are fine in a password, NUL is not
        password = {"handle": "newbie", "password": text * 8, "display_name": "N"}
        calls.append(("POST", "/accounts", password))
    for method, path, body in calls:
        answer = await raw(method, path, json=body)
        assert_error(answer, 400, 401, 404, 422)
    me = await mei.me()
    assert (me["display_name"], me["bio"]) == ("林美", "")
    assert (await mei.friends())[0]["remark"] == ""
    assert (await mei.friends())[0]["tags"] == []
    assert [c["kind"] for c in await mei.conversations()] == ["direct"]
    [message] = (await mei.history(chat))["messages"]
    assert (message["text"], message["edited"]) == ("first", False)
    assert (await mei.friend_requests())["outgoing"] == []


async def test_unknown_fields_are_refused(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    mei, _, chat = scene
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("PATCH", "/me", {"display_name": "x", "handle": "hacker"}),
        ("PATCH", "/me", {"is_placeholder": True}),
        ("POST", "/conversations", {"kind": "group", "name": "g", "owner": "lei"}),
        ("PATCH", f"/conversations/{chat}", {"name": "x", "kind": "group"}),
        ("POST", f"/conversations/{chat}/read", {"seq": 1, "handle": "lei"}),
        ("PATCH", "/friends/lei", {"role": "family", "since": "2020"}),
    ]
    for method, path, body in calls:
        error = assert_error(await raw(method, path, json=body), 422)
        assert "extra" in error["message"].lower() or "not permitted" in error["message"]
    assert (await mei.me())["display_name"] == "林美"
    assert len(await mei.conversations()) == 1


async def test_wrong_types_elsewhere(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    _, _, chat = scene
    calls: list[tuple[str, str, Any]] = [
        ("POST", "/accounts", {"handle": 5, "password": PASSWORD, "display_name": "x"}),
        ("POST", "/accounts", {"handle": "newbie", "password": PASSWORD}),
        ("POST", "/sessions", {"handle": ["mei"], "password": PASSWORD}),
        ("PATCH", "/me", {"bio": {"text": "x"}}),
        ("POST", "/friend-requests", {"to": "lei", "role": 3}),
        ("POST", "/conversations", {"kind": "channel", "name": "x"}),
        ("POST", "/conversations", {"kind": "group", "name": "x", "members": "lei"}),
        ("POST", "/conversations", {"kind": "direct"}),
        ("POST", "/conversations", {"kind": "group"}),
        ("POST", f"/conversations/{chat}/members", {"handles": []}),
        ("POST", f"/conversations/{chat}/read", {"seq": "1"}),
        ("POST", f"/conversations/{chat}/read", {"seq": -1}),
        ("POST", f"/conversations/{chat}/read", {"seq": 10**30}),
        ("POST", f"/conversations/{chat}/read", {}),
        ("POST", "/friend-requests/1/accept", {"tags": "family"}),
        ("PATCH", "/friends/lei", {"hide_my_moments": "sometimes"}),
    ]
    for method, path, body in calls:
        assert_error(await raw(method, path, json=body), 422)


HUGE = ["99999999999999999999999999", str(2**63), str(2**64 + 1), "-1", "0", "1.5", "abc"]


CALLS_WITH_NUMBERS = [
    ("GET", "/conversations/{n}"),
    ("PATCH", "/conversations/{n}"),
    ("GET", "/conversations/{n}/messages"),
    ("POST", "/conversations/{n}/read"),
    ("DELETE", "/conversations/{n}/members/lei"),
    ("PATCH", "/conversations/{chat}/messages/{n}"),
    ("POST", "/conversations/{chat}/messages/{n}/recall"),
    ("PUT", "/conversations/{chat}/messages/{n}/reactions/%F0%9F%91%8D"),
    ("POST", "/friend-requests/{n}/accept"),
    ("POST", "/friend-requests/{n}/decline"),
]


async def test_bad_numbers_in_paths_answer_422(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    _, _, chat = scene
    calls = [
        (method, path.format(chat=chat, n=number))
        for number in HUGE
        for method, path in CALLS_WITH_NUMBERS
    ]
    for method, path in calls:
        answer = await raw(method, path, json={})
        assert answer.status_code == 422, path
        assert_error(answer, 422)


async def test_bad_history_queries_answer_422(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    _, _, chat = scene
    for query in (
        "before=99999999999999999999999",
        "after=-5",
        "limit=0",
        "limit=100000",
        "limit=99999999999999999999999",
        "before=x",
        "after=1.5",
        "before=%00",
    ):
        answer = await raw("GET", f"{send_path(chat)}?{query}")
        assert answer.status_code == 422, query
        assert_error(answer, 422)


async def test_bad_handles_and_emoji_in_paths(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    _, _, chat = scene
    for handle in ("AB", "x", "a" * 33, "%E6%9E%97", "a%00b", "%ED%A0%80", "..%2F..%2Fetc"):
        for method, path in (
            ("GET", f"/users/{handle}"),
            ("PUT", f"/blocks/{handle}"),
            ("DELETE", f"/friends/{handle}"),
        ):
            assert_error(await raw(method, path), 404, 422)
    for emoji in ("ok", "%00", "%ED%A0%80", "%F0%9F%91%8D" * 20, "%FF"):
        path = f"/conversations/{chat}/messages/1/reactions/{emoji}"
        answer = await raw("PUT", path)
        assert answer.status_code in (404, 422), emoji
        assert_error(answer, 404, 422)


async def test_unknown_ids_answer_404_not_403(
    make_user: UserFactory, raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    mei, lei, chat = scene
    yun = await make_user("yun")
    tao = await make_user("tao")
    private = await lei.create_group("lei's", ["tao"])
    await lei.send(private["id"], "secret")
    request = await yun.request_friend("tao", "hi", "classmate")
    # things that do not exist and things mei may not see look the same
    for conversation in (private["id"], 10_000):
        for method, path, body in (
            ("GET", f"/conversations/{conversation}", None),
            ("PATCH", f"/conversations/{conversation}", {"name": "x"}),
            ("GET", f"/conversations/{conversation}/messages", None),
            ("POST", f"/conversations/{conversation}/messages", {"text": "x"}),
            ("PATCH", f"/conversations/{conversation}/messages/1", {"text": "x"}),
            ("POST", f"/conversations/{conversation}/messages/1/recall", None),
            ("PUT", f"/conversations/{conversation}/messages/1/reactions/%F0%9F%91%8D", None),
            ("POST", f"/conversations/{conversation}/read", {"seq": 1}),
            ("POST", f"/conversations/{conversation}/members", {"handles": ["mei"]}),
            ("DELETE", f"/conversations/{conversation}/members/mei", None),
            ("DELETE", f"/conversations/{conversation}/members/tao", None),
        ):
            error = assert_error(await raw(method, path, json=body), 404)
            assert error["code"] == "not_found"
    for request_id in (request["id"], 10_000):
        assert_error(await raw("POST", f"/friend-requests/{request_id}/accept", json={}), 404)
        assert_error(await raw("POST", f"/friend-requests/{request_id}/decline"), 404)
    assert_error(await raw("GET", f"/conversations/{chat}/messages/99"), 404, 405)
    assert_error(await raw("PATCH", f"/conversations/{chat}/messages/99", json={"text": "x"}), 404)
    assert_error(await raw("GET", "/users/nobody"), 404)
    assert_error(await raw("DELETE", "/friends/nobody"), 404)
    assert_error(await raw("PUT", "/blocks/nobody"), 404)
    assert_error(await raw("GET", "/no/such/path"), 404)
    # nothing changed in lei's group, and the request still waits
    assert said(await lei.history(private["id"])) == ["secret"]
    assert (await lei.conversation(private["id"]))["name"] == "lei's"
    assert len((await tao.friend_requests())["incoming"]) == 1
    assert await mei.conversations() != []


async def test_wrong_method_is_a_json_405(raw: Raw) -> None:
    answer = await raw("PUT", "/me", json={})
    assert_error(answer, 405)
    assert set(answer.headers["allow"].replace(" ", "").split(",")) == {"DELETE", "GET", "PATCH"}
    answer = await raw("PUT", "/conversations/7/messages", json={})
    assert_error(answer, 405)
    assert set(answer.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


@pytest.fixture
def big_body() -> Iterator[bytes]:
    yield b'{"client_id": "big", "kind": "text", "text": "' + b"x" * (MiB + 10) + b'"}'


async def test_oversized_body_answers_413(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int], big_body: bytes
) -> None:
    mei, _, chat = scene
    try:
        answer = await raw(
            "POST",
            send_path(chat),
            content=big_body,
            headers={"Content-Type": "application/json"},
        )
    except httpx.HTTPError:
        pytest.fail("the server should answer 413, not drop the connection")
    error = assert_error(answer, 413)
    assert error["code"] == "too_large"
    assert await stored_texts(mei, chat) == ["first"]


async def test_oversized_chunked_body_answers_413(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int], big_body: bytes
) -> None:
    """Without a Content-Length the body is counted as it arrives and refused on the way."""
    mei, _, chat = scene

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big_body), 64 * 1024):
            yield big_body[start : start + 64 * 1024]

    answer = await raw(
        "POST", send_path(chat), content=chunks(), headers={"Content-Type": "application/json"}
    )
    error = assert_error(answer, 413)
    assert error["code"] == "too_large"
    assert await stored_texts(mei, chat) == ["first"]


async def test_a_body_just_under_the_limit_is_read(
    raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    """Up to max_body_bytes the body is parsed; the text limit then answers 422."""
    _, _, chat = scene
    body = b'{"client_id": "big", "kind": "text", "text": "' + b"x" * (MiB - 100) + b'"}'
    answer = await raw(
        "POST", send_path(chat), content=body, headers={"Content-Type": "application/json"}
    )
    assert_error(answer, 422)


async def test_missing_or_bad_authorization(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url + "/api/v1") as http:
        for headers in (
            {},
            {"Authorization": "Bearer"},
            {"Authorization": "Basic bWVpOnB3"},
            {"Authorization": "Bearer " + "x" * 5000},
            {"Authorization": "Bearer a\tb"},
        ):
            assert_error(await http.get("/me", headers=headers), 401, 403)


REAL = {
    "conversation_id": "{chat}",
    "seq": "1",
    "handle": "lei",
    "emoji": "👍",
    "request_id": "1",
    "moment_id": "1",
    "comment_id": "1",
    "placeholder_id": "1",
    "export_id": "1",
    "import_id": "1",
}
ODD_PARAMS = ["0", "-1", "99999999999999999999", "%FF", "%00", "a" * 40, "%F0%9F%98%80", "null"]
ODD_VALUES: list[Any] = [None, 10**30, -1, 1.5, True, "", "\u0000", "\ud800", [], {}, "x" * 6000]


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every call in the OpenAPI document but logging out."""
    found = []
    for path, calls in spec["paths"].items():
        for method, operation in calls.items():
            if path.endswith("/sessions/current"):
                continue
            found.append((method.upper(), path.removeprefix("/api/v1"), operation))
    return found


def field_names(spec: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    body = operation.get("requestBody")
    if body is None:
        return []
    json_body = body["content"].get("application/json")
    if json_body is None:  # an upload (multipart): tested in test_media.py
        return []
    ref = json_body["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


async def test_no_call_in_the_openapi_document_answers_5xx(
    server: RunningServer, raw: Raw, scene: tuple[GuanxiClient, GuanxiClient, int]
) -> None:
    """What an outside tool generating requests from /openapi.json would try."""
    _, _, chat = scene
    async with httpx.AsyncClient(base_url=server.url) as http:
        spec = (await http.get("/openapi.json")).json()
    real = {name: value.format(chat=chat) for name, value in REAL.items()}
    answers: list[tuple[int, str, str, Any]] = []
    for method, path, operation in operations(spec):
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        for odd in ODD_PARAMS:
            for name in names:
                target = path.format(**{**real, name: odd})
                answer = await raw(method, target, json={})
                answers.append((answer.status_code, method, target, {}))
        fields = field_names(spec, operation)
        for odd_value in ODD_VALUES if fields else []:
            body = {name: odd_value for name in fields}
            answer = await raw(method, path.format(**real), json=body)
            answers.append((answer.status_code, method, path, body))
        if method == "GET" and path.endswith("/messages"):
            for odd in ODD_PARAMS:
                query = f"?before={odd}&after={odd}&limit={odd}"
                answer = await raw(method, path.format(**real) + query)
                answers.append((answer.status_code, method, path + query, None))
    assert [a for a in answers if a[0] >= 500] == []
    assert len(answers) > 200


AUTHS = [
    {},
    {"Authorization": "Basic bWVpOnB3"},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer not-a-token"},
]
FIELD_FAULTS = [
    {"client_id": "a", "kind": "text", "text": 5},
    {"client_id": 7, "kind": "text", "text": "hi"},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": 0},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": 2**63},
    {"client_id": "a", "kind": "text", "text": "hi", "unknown": 1},
    {"client_id": "a", "kind": "text", "text": "bad\u0000nul"},
    {"client_id": "a", "kind": "text", "text": "x" * 20001},
    {"client_id": "a", "kind": "emoji", "text": "hello"},
    {"client_id": "a", "kind": "text", "text": " "},
    {"client_id": "a b", "kind": "text", "text": "hi"},
    {"client_id": "a", "kind": "text", "text": "hi", "media_id": "m1"},
    {"client_id": "a", "kind": "text", "text": "hi", "reply_to": 99},
]


async def register(http: httpx.AsyncClient, handle: str) -> dict[str, str]:
    """A new user's Authorization header."""
    body = {"handle": handle, "password": PASSWORD, "display_name": handle}
    answer = await http.post("/accounts", json=body)
    return {"Authorization": f"Bearer {answer.json()['token']}"}


async def direct_chat(http: httpx.AsyncClient, a: dict[str, str], b: dict[str, str]) -> int:
    """a asks lei (b) to be friends, b accepts, a opens their chat."""
    asked = await http.post("/friend-requests", json={"to": "lei"}, headers=a)
    await http.post(f"/friend-requests/{asked.json()['id']}/accept", json={}, headers=b)
    opened = await http.post("/conversations", json={"kind": "direct", "with": "lei"}, headers=a)
    return int(opened.json()["id"])


async def alike(
    fast: httpx.AsyncClient, route: httpx.AsyncClient, path: str, auth: dict[str, str], body: bytes
) -> tuple[Any, ...]:
    """Both apps' answer to one send, asserted equal."""
    answers = []
    for http in (fast, route):
        headers = {**auth, "Content-Type": "application/json"}
        answer = await http.post(path, content=body, headers=headers)
        kept = ("content-type", "content-length", "retry-after")
        answers.append((answer.status_code, *map(answer.headers.get, kept), answer.content))
    assert answers[0] == answers[1], (auth, body[:100])
    return answers[0]


async def test_both_entrances_answer_a_send_byte_for_byte_alike(
    settings: Settings, clock: Clock
) -> None:
    """The same sends to an app with web/send_path.py and to one whose FastAPI route answers
    (one database behind both): the same status, headers and body, byte for byte. Bodies
    that are not a JSON object are left out: docs/architecture.md says why."""
    services = build_services(settings, clock)
    await services.start()
    try:
        async with AsyncExitStack() as stack:
            fast, route = [
                await stack.enter_async_context(
                    httpx.AsyncClient(
                        transport=httpx.ASGITransport(create_app(settings, services, send_path=on)),
                        base_url="http://guanxi/api/v1",
                    )
                )
                for on in (True, False)
            ]
            mei, lei, tao = [await register(fast, handle) for handle in ("mei", "lei", "tao")]
            path = send_path(await direct_chat(fast, mei, lei))
            sends = [(path, auth, b'{"text": "hi"}') for auth in AUTHS]
            sends += [(path, mei, json.dumps(body).encode()) for body in FIELD_FAULTS]
            sends += [(path, tao, b'{"text": "hi"}'), (path + "0", mei, b'{"text": "hi"}')]
            sends += [(path, mei, b'{"text": "' + b"x" * settings.max_body_bytes + b'"}')]
            for where, auth, body in sends:
                assert (await alike(fast, route, where, auth, body))[0] in (401, 404, 413, 422)
            retry = b'{"client_id": "twice", "text": "hi"}'
            first = await fast.post(path, content=retry, headers=lei)
            assert first.status_code == 201
            status, *_, again = await alike(fast, route, path, lei, retry)
            assert (status, again) == (200, first.content)
    finally:
        await services.stop()
