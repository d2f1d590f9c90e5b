"""Messages: send, page, edit, recall, react; read markers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from guanxi.web.auth import Me, Svc
from guanxi.web.responses import JSONOut
from guanxi.web.routes.params import (
    PAGE_DEFAULT,
    CursorQuery,
    EmojiPath,
    IdPath,
    LimitQuery,
    SeqPath,
)
from guanxi.web.schemas.conversations import (
    EditMessageIn,
    ForwardIn,
    HiddenOut,
    HideIn,
    MessageList,
    MessageOut,
    MessagePage,
    ReaderPage,
    ReadIn,
    ReadOut,
    SendMessageIn,
)

router = APIRouter(tags=["messages"])
BASE = "/conversations/{conversation_id}/messages"
Bound = Annotated[int | None, Query(ge=0, le=2**53)]


@router.post(
    BASE,
    status_code=201,
    response_model=MessageOut,
    responses={200: {"model": MessageOut, "description": "Sent before with this client_id."}},
)
async def send_message(conversation_id: IdPath, body: SendMessageIn, me: Me, svc: Svc) -> JSONOut:
    message, created = await svc.messages.send_message(me, conversation_id, body.draft())
    return JSONOut(message.to_wire(), status_code=201 if created else 200)


@router.post(
    "/conversations/{conversation_id}/forward",
    status_code=201,
    response_model=MessageList,
    responses={200: {"model": MessageList, "description": "Forwarded before with this client_id."}},
)
async def forward(conversation_id: IdPath, body: ForwardIn, me: Me, svc: Svc) -> JSONOut:
    """Forward messages of this chat to up to 10 chats: a new message in each, sent by you
    and marked `forwarded`. Each message created spends a send (`messages` rate). A retry
    with the same `client_id` creates nothing again and answers the same messages."""
    for _ in range(len(set(body.seqs)) * len(set(body.to)) - 1):  # the route took one
        await svc.limiter.take("messages", me.user.id)
    sent, created = await svc.message_actions.forward(
        me, conversation_id, body.seqs, body.to, body.client_id
    )
    wire = {"messages": [m.to_wire() for m in sent]}
    return JSONOut(wire, status_code=201 if created else 200)


@router.post(BASE + "/hide", response_model=HiddenOut)
async def hide(conversation_id: IdPath, body: HideIn, me: Me, svc: Svc) -> dict[str, Any]:
    """Delete messages for yourself only, on all your devices; nobody else's view changes."""
    seqs = await svc.message_actions.hide(me, conversation_id, body.seqs)
    return {"conversation_id": conversation_id, "seqs": seqs}


@router.get(BASE, response_model=MessagePage)
async def list_messages(
    conversation_id: IdPath,
    me: Me,
    svc: Svc,
    before: Bound = None,
    after: Bound = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> JSONOut:
    page = await svc.messages.list_messages(me, conversation_id, before, after, limit)
    return JSONOut({"messages": [m.to_wire() for m in page.messages], "has_more": page.has_more})


@router.patch(BASE + "/{seq}", response_model=MessageOut)
async def edit_message(
    conversation_id: IdPath, seq: SeqPath, body: EditMessageIn, me: Me, svc: Svc
) -> dict[str, Any]:
    return (await svc.messages.edit_message(me, conversation_id, seq, body.text)).to_wire()


@router.post(BASE + "/{seq}/recall", response_model=MessageOut)
async def recall(conversation_id: IdPath, seq: SeqPath, me: Me, svc: Svc) -> dict[str, Any]:
    return (await svc.messages.recall(me, conversation_id, seq)).to_wire()


@router.put(BASE + "/{seq}/reactions/{emoji}", response_model=MessageOut)
async def add_reaction(
    conversation_id: IdPath, seq: SeqPath, emoji: EmojiPath, me: Me, svc: Svc
) -> dict[str, Any]:
    message = await svc.messages.react(me, conversation_id, seq, emoji, add=True)
    return message.to_wire()


@router.delete(BASE + "/{seq}/reactions/{emoji}", response_model=MessageOut)
async def remove_reaction(
    conversation_id: IdPath, seq: SeqPath, emoji: EmojiPath, me: Me, svc: Svc
) -> dict[str, Any]:
    message = await svc.messages.react(me, conversation_id, seq, emoji, add=False)
    return message.to_wire()


@router.get(BASE + "/{seq}/readers", response_model=ReaderPage)
async def list_readers(
    conversation_id: IdPath,
    seq: SeqPath,
    me: Me,
    svc: Svc,
    cursor: CursorQuery = None,
    limit: LimitQuery = PAGE_DEFAULT,
) -> JSONOut:
    page = await svc.messages.list_readers(me, conversation_id, seq, cursor, limit)
    readers = [user.to_wire() for user in page.items]
    return JSONOut({"readers": readers, "next_cursor": page.next_cursor})


@router.post("/conversations/{conversation_id}/read", response_model=ReadOut)
async def mark_read(conversation_id: IdPath, body: ReadIn, me: Me, svc: Svc) -> dict[str, Any]:
    seq = await svc.messages.mark_read(me, conversation_id, body.seq)
    return {"conversation_id": conversation_id, "seq": seq}


@router.post("/conversations/{conversation_id}/typing", status_code=204)
async def typing(conversation_id: IdPath, me: Me, svc: Svc) -> Response:
    """Say "typing…" to the other member of a direct chat (live only, never stored)."""
    await svc.messages.typing(me, conversation_id)
    return Response(status_code=204)
