"""The events WebSocket: hello with a token (and a cursor), replay, then live events."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from guanxi.db.database import ReadsBusy
from guanxi.errors import RateLimited, Unauthorized
from guanxi.realtime.hub import GAP, Subscription
from guanxi.services import Services
from guanxi.stream.service import REPLAY_PAGE

HELLO_SECONDS = 10
CURSOR_MAX = 2**63 - 1  # event ids are signed 64-bit integers
EVENTS_PATH = "/api/v1/events"


class BadHello(Exception):
    pass


async def events_socket(ws: WebSocket, services: Services) -> None:
    """Served by `GuanxiApp.dispatch` below FastAPI's router and middleware: an idle socket
    holds the frames of the calls that lead to it for as long as it is open, and there
    they were most of its memory (docs/performance.md)."""
    await ws.accept()
    try:
        token, cursor = parse_hello(await asyncio.wait_for(_first_text(ws), HELLO_SECONDS))
        principal = await services.accounts.authenticate(token)
    except (BadHello, Unauthorized, TimeoutError, ReadsBusy) as exc:
        await _refuse(ws, exc)
        return
    except WebSocketDisconnect:
        return
    try:
        subscription = await services.stream.subscribe(principal.user.id, principal.session_id)
    except RateLimited as exc:
        await _refuse(ws, exc)
        return
    try:
        await _serve(ws, services, subscription, cursor, token)
    except ReadsBusy as exc:  # the replay could not read in time: come back a little later
        await _refuse(ws, exc)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        await services.stream.unsubscribe(subscription)


async def _first_text(ws: WebSocket) -> str:
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text = message.get("text")
    if text is None:
        raise BadHello("The first frame must be a text frame.")
    return str(text)


def parse_hello(text: str) -> tuple[str, int | None]:
    try:
        hello: Any = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise BadHello("The first frame must be JSON.") from exc
    if not isinstance(hello, dict) or hello.get("type") != "hello":
        raise BadHello('The first frame must be {"type": "hello", "token": ...}.')
    token, cursor = hello.get("token"), hello.get("cursor")
    if not isinstance(token, str) or not token:
        raise BadHello("hello needs a token.")
    if cursor is not None and (not isinstance(cursor, int) or isinstance(cursor, bool)):
        raise BadHello("cursor must be an integer.")
    if cursor is not None and not 0 <= cursor <= CURSOR_MAX:
        raise BadHello("cursor must be an integer from 0 to 2^63 - 1.")
    return token, cursor


async def _refuse(ws: WebSocket, exc: Exception) -> None:
    code, close = "bad_hello", 4400
    if isinstance(exc, Unauthorized):
        code, close = "unauthorized", 4401
    elif isinstance(exc, RateLimited):
        code, close = exc.code, 4429
    elif isinstance(exc, ReadsBusy):
        code, close = "busy", 1013  # RFC 6455 "try again later": the device retries with backoff
    message = str(exc) or "No hello within 10 seconds."
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        await ws.send_text(
            orjson.dumps({"type": "error", "code": code, "message": message}).decode()
        )
        await ws.close(code=close)


async def _serve(
    ws: WebSocket, services: Services, subscription: Subscription, cursor: int | None, token: str
) -> None:
    user_id = subscription.user_id
    if cursor is None:
        last = await services.stream.head()
    else:
        last = await _replay(ws, services, user_id, cursor)
    await ws.send_text(orjson.dumps({"type": "ready", "cursor": last}).decode())
    reader = asyncio.create_task(_read(ws, services, token))
    reader.add_done_callback(lambda _: subscription.hang_up())
    try:
        await _pump(ws, services, subscription, last)
    finally:
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
            await reader


async def _replay(ws: WebSocket, services: Services, user_id: int, cursor: int) -> int:
    """Send what came after `cursor`; the cursor reached. A cursor the log cannot serve (older
    than its horizon, newer than its head, or too far behind) gets `resync` instead."""
    last, budget = cursor, services.settings.event_replay_max
    while True:
        page = await services.stream.replay(user_id, last, first=last == cursor)
        if page is None:
            return await _resync(ws, services)
        if not page:
            return last
        budget -= len(page)
        if budget < 0:
            return await _resync(ws, services)
        for item in page:
            if item.frame:
                await ws.send_text(item.frame)
            last = item.cursor
        if len(page) < REPLAY_PAGE:  # a short page is the end of the log as it was read
            return last


async def _resync(ws: WebSocket, services: Services) -> int:
    """Tell the device to reload its state over HTTP; live events follow from the head."""
    head = await services.stream.head()
    await ws.send_text(orjson.dumps({"type": "resync", "cursor": head}).decode())
    return head


async def _pump(ws: WebSocket, services: Services, subscription: Subscription, last: int) -> None:
    """Live events until the feed ends: the device went away, overflowed or logged out.
    Envelopes come in cursor order (realtime/sequencer.py), so one at or below `last` was
    sent already, or was in the log when the replay read it. After a gap (envelopes lost
    on the way) what came since `last` is read from the log first."""
    while True:
        envelope = await subscription.get()
        if envelope is None:
            if not subscription.hung_up:
                await ws.close(code=4408 if subscription.overflowed else 4401)
            return
        if envelope is GAP:
            last = await _replay(ws, services, subscription.user_id, last)
            continue
        if envelope.cursor == 0:  # a framed control event (typing): live only, no cursor
            await ws.send_text(envelope.frame)
            continue
        if envelope.cursor <= last:
            continue
        await ws.send_text(envelope.frame)
        last = envelope.cursor


async def _read(ws: WebSocket, services: Services, token: str) -> None:
    """Drain what the device sends (answering pings); return when it goes away. A ping also
    checks the session again (cached for `session_cache_seconds`): one ended where no
    `session.ended` reaches this worker (`guanxi user disable` without Redis, expiry) closes
    the socket within a ping."""
    while True:
        text = await ws.receive_text()
        try:
            frame = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        if isinstance(frame, dict) and frame.get("type") == "ping":
            try:
                await services.accounts.authenticate(token)
            except Unauthorized:
                await ws.close(code=4401)
                return
            except ReadsBusy:
                continue  # overloaded: no pong, the session is checked at the next ping
            await ws.send_text('{"type":"pong"}')
