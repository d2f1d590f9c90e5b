// Applies the event stream to the state (one handler per event type), and sends messages so that none is lost or doubled:
// each send has a client_id; one that failed for want of a network is retried with the same id.

import { ApiError, call, newClientId } from "./api.js";
import {
  bumpConversation,
  chatOf,
  emit,
  forgetConversation,
  loadConversation,
  loadConversations,
  loadFriends,
  loadInvitations,
  loadRequests,
  putMessage,
  rememberUser,
  state,
  updateUser,
} from "./state.js";
import { toast } from "./dom.js";
import { applyMuted } from "./notify-chat.js";
import { applyOwn, cleared, hidden } from "./chatactions.js";
import { errorText, reasonText, t } from "./i18n.js";

const handlers = {
  "message.created": (e) => {
    const mine = e.message.sender === state.me.handle;
    const line = e.message.kind === "system"; // a group's line is nobody's unread message
    if (putMessage(e.message)) {
      bumpConversation(e.message, !mine && !line);
      if (!mine) emit("arrived", e.message); // notify.js
    }
    if (!state.convs.has(e.message.conversation_id)) loadConversation(e.message.conversation_id).catch(() => {});
  },
  "message.edited": (e) => changed(e.message),
  "message.recalled": (e) => changed(e.message),
  "reaction.added": (e) => reacted(e, true),
  "reaction.removed": (e) => reacted(e, false),
  "conversation.read": (e) => read(e),
  "conversation.muted": (e) => applyMuted(e.conversation_id, true),
  "conversation.unmuted": (e) => applyMuted(e.conversation_id, false),
  "conversation.pinned": (e) => applyOwn(e.conversation_id, "pinned", true),
  "conversation.unpinned": (e) => applyOwn(e.conversation_id, "pinned", false),
  "conversation.archived": (e) => applyOwn(e.conversation_id, "archived", true),
  "conversation.unarchived": (e) => applyOwn(e.conversation_id, "archived", false),
  "conversation.cleared": (e) => cleared(e.conversation_id, e.seq),
  "message.hidden": (e) => hidden(e.conversation_id, e.seqs),
  "conversation.created": (e) => loadConversation(e.conversation.id).catch(() => {}),
  "conversation.updated": (e) => updated(e.conversation),
  "member.joined": (e) => joined(e),
  "member.left": (e) => left(e),
  "friend_request.received": (e) => {
    rememberUser(e.request.from);
    toast(t("toast.request", { name: e.request.from.display_name }));
    loadRequests();
  },
  "friend_request.accepted": (e) => {
    if (e.request.from?.handle === state.me?.handle) toast(t("toast.accepted", { name: e.request.to.display_name }));
    loadFriends();
    loadRequests();
    loadConversations();
  },
  "friend.removed": () => loadFriends(),
  "user.updated": (e) => updateUser(e.user),
  "typing.started": (e) => emit("typing", e), // live only: no cursor, never replayed
  "group_invitation.received": (e) => {
    toast(t("toast.invited", { name: e.invitation.inviter.display_name, group: e.invitation.conversation.name }));
    loadInvitations().catch(() => {});
  },
  "group_invitation.accepted": () => loadInvitations().catch(() => {}),
  "group_invitation.declined": () => loadInvitations().catch(() => {}),
  // a moment on screen is loaded again: the server decides what of it the viewer may see;
  // momentsnews.js counts new posts and the likes and comments on mine
  "moment.posted": (e) => emit("momentEvent", e),
  "moment.liked": momentChanged,
  "moment.unliked": momentChanged,
  "moment.commented": momentChanged,
  "moment.comment_deleted": momentChanged,
  "moment.deleted": momentChanged,
  "placeholder.linked": (e) => emit("assets", e.placeholder),
  "export.progress": (e) => emit("export", e.export),
  "export.done": (e) => emit("export", e.export),
  // an import is written whole, with no event per message: the chat list is loaded again
  "import.done": (e) => {
    if (e.import.state === "done") {
      toast(t("toast.importDone"));
      loadConversations().catch(() => {});
    } else toast(t("toast.importFailed", { reason: reasonText(e.import.error) }));
  },
};

/** Every event type the client acts on has its line in `handlers`; screens listen to the
 * state topics the handlers emit, never to the socket. Other types are ignored. */
function momentChanged(e) {
  emit("moment", e.moment_id);
  emit("momentEvent", e);
}

export function applyEvent(frame) {
  const handler = handlers[frame.type];
  if (handler) handler(frame);
}

function changed(message) {
  putMessage(message);
  const conv = state.convs.get(message.conversation_id);
  if (conv?.last_message && conv.last_message.seq === message.seq) {
    conv.last_message = message;
    emit("convs");
  }
}

/** A reaction event carries only the change: apply it to the message, if it is loaded. */
function reacted(e, added) {
  const message = chatOf(e.conversation_id).bySeq.get(e.seq);
  if (!message || message.id !== e.message_id) return;
  const byEmoji = new Map(
    (message.reactions || []).map((r) => [r.emoji, r.handles.filter((x) => x !== e.handle || r.emoji !== e.emoji)]),
  );
  if (added) byEmoji.set(e.emoji, [...(byEmoji.get(e.emoji) || []), e.handle]);
  const reactions = [...byEmoji]
    .filter(([, handles]) => handles.length)
    .map(([emoji, handles]) => ({ emoji, count: handles.length, handles }));
  changed({ ...message, reactions });
}

function read(e) {
  const conv = state.convs.get(e.conversation_id);
  if (e.handle !== state.me.handle) {
    if (conv?.kind === "group") countReader(e);
    else state.peerRead.set(e.conversation_id, Math.max(e.seq, state.peerRead.get(e.conversation_id) || 0));
    emit("read", e.conversation_id);
    return;
  }
  if (!conv) return;
  conv.last_read_seq = Math.max(conv.last_read_seq || 0, e.seq);
  if (conv.last_read_seq >= (conv.last_seq || 0)) conv.unread = 0;
  else loadConversation(conv.id).catch(() => {});
  emit("convs");
}

/** Another member read a group up to `seq` from `from_seq`: each of my messages in between
 * that is loaded has one reader more (the server sends it only to senders of what it passed,
 * never across a block; a page loaded later brings its own counts). */
function countReader(e) {
  if (typeof e.from_seq !== "number") return;
  // never more than the other members (a page read just before the event came counts it too)
  const most = Math.max(0, (state.convs.get(e.conversation_id)?.member_count || Infinity) - 1);
  for (const message of chatOf(e.conversation_id).bySeq.values()) {
    const mine = message.sender === state.me.handle && message.kind !== "system";
    if (mine && message.seq > e.from_seq && message.seq <= e.seq)
      message.read_count = Math.min(most, (message.read_count || 0) + 1);
  }
}

function updated(conversation) {
  const conv = state.convs.get(conversation.id);
  if (!conv) return;
  Object.assign(conv, { name: conversation.name, announcement: conversation.announcement, owner: conversation.owner });
  if (conversation.members?.length) conv.members = conversation.members;
  emit("convs");
  emit("conv", conv);
}

function joined(e) {
  if (!state.convs.has(e.conversation_id)) return loadConversation(e.conversation_id).catch(() => {});
  updated(e.conversation);
  const conv = state.convs.get(e.conversation_id);
  conv.member_count = e.conversation.member_count;
}

function left(e) {
  const conv = state.convs.get(e.conversation_id);
  if (!conv) return;
  if (e.handle === state.me.handle) {
    forgetConversation(e.conversation_id);
    emit("convs");
    emit("left", e.conversation_id);
    return;
  }
  conv.members = (conv.members || []).filter((m) => m.user.handle !== e.handle);
  conv.member_count = Math.max(0, (conv.member_count || 1) - 1);
  emit("convs");
  emit("conv", conv);
}

/** After a reconnect: refresh the lists, catch up the open chats, retry waiting sends. With
 *  `reload` (the server sent `resync`: events were missed for good) the messages kept so far
 *  may be stale (edited, recalled), so they are dropped and loaded again. */
export async function resync(reload = false) {
  if (reload) {
    for (const chat of state.chats.values()) {
      chat.bySeq.clear();
      chat.loaded = false;
      chat.hasMoreBefore = true;
    }
  }
  await Promise.allSettled([loadConversations(), loadFriends(), loadRequests(), loadInvitations()]);
  emit("resumed", { reload });
  retryPending();
}

// -- sending --------------------------------------------------------------------------------

export function sendMessage(conversationId, body) {
  const chat = chatOf(conversationId);
  const item = {
    client_id: newClientId(),
    conversation_id: conversationId,
    body,
    status: "sending",
    created_at: new Date().toISOString(),
  };
  chat.pending.set(item.client_id, item);
  emit("pending", conversationId);
  deliver(item);
  return item;
}

async function deliver(item) {
  item.status = "sending";
  try {
    const message = await call("POST", `/conversations/${item.conversation_id}/messages`, {
      client_id: item.client_id,
      ...item.body,
    });
    if (putMessage(message)) bumpConversation(message, false);
  } catch (error) {
    item.status = error instanceof ApiError ? "failed" : "waiting";
    item.error = errorText(error, t("message.waiting"));
    emit("pending", item.conversation_id);
  }
}

export function retryPending(only) {
  for (const [id, chat] of state.chats) {
    for (const item of chat.pending.values()) {
      if (item.status === "waiting" || (only && only === item.client_id)) deliver(item);
    }
    emit("pending", id);
  }
}

export function discardPending(conversationId, clientId) {
  chatOf(conversationId).pending.delete(clientId);
  emit("pending", conversationId);
}
