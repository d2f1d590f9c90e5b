// What the client knows: me, users, friends, requests, conversations and their messages.
// Messages are keyed by conversation and seq, so whatever arrives twice is kept once.

import { call } from "./api.js";
import { h, setPictureLookup } from "./dom.js";
import { PAGE } from "./pager.js";
import { t } from "./i18n.js";

const listeners = new Map();

export function on(topic, fn) {
  if (!listeners.has(topic)) listeners.set(topic, new Set());
  listeners.get(topic).add(fn);
  return () => listeners.get(topic).delete(fn);
}

export function emit(topic, data) {
  for (const fn of listeners.get(topic) || []) fn(data);
}

export const state = {
  me: null,
  users: new Map(),
  friends: new Map(),
  requests: { incoming: [], outgoing: [], cursor: null },
  invitations: [],
  blocked: new Set(),
  convs: new Map(),
  convsCursor: null, // the chat list's next page (null: every chat is here)
  chats: new Map(),
  peerRead: new Map(),
  online: "connecting",
};

// the picture version of a handle, for dom.js's avatar(): mine, or a user the client has met
setPictureLookup((handle) =>
  state.me?.handle === handle ? state.me.avatar || null : state.users.get(handle)?.avatar || null,
);

export function reset() {
  state.me = null;
  for (const key of ["users", "friends", "convs", "chats", "peerRead"]) state[key].clear();
  state.blocked.clear();
  state.requests = { incoming: [], outgoing: [], cursor: null };
  state.convsCursor = null;
  state.invitations = [];
}

export function rememberUser(user) {
  if (user?.handle) state.users.set(user.handle, user);
  return user;
}

/** Someone's profile changed (`user.updated`: name, bio, picture): every copy kept of it takes
 * the change — me, the users met, a friend, a chat's peer and members — and the screens that
 * show names and pictures (chat list, open chat, contacts) draw again. */
export function updateUser(user) {
  const merge = (old) => ({ ...old, ...user });
  if (state.me?.handle === user.handle) state.me = merge(state.me);
  state.users.set(user.handle, merge(state.users.get(user.handle)));
  const friend = state.friends.get(user.handle);
  if (friend) friend.user = merge(friend.user);
  const touched = [];
  for (const conv of state.convs.values()) {
    if (conv.peer?.handle === user.handle) conv.peer = merge(conv.peer);
    for (const member of conv.members || []) {
      if (member.user?.handle !== user.handle) continue;
      member.user = merge(member.user);
      touched.push(conv);
    }
  }
  emit("convs");
  emit("friends");
  for (const conv of touched) emit("conv", conv); // a group's info lists its members
  emit("users", user.handle);
}

/** The name I see someone by: my remark, else their display name, else the handle. */
export function nameOf(handle) {
  if (state.me && handle === state.me.handle) return state.me.display_name;
  const friend = state.friends.get(handle);
  if (friend?.remark) return friend.remark;
  const user = state.users.get(handle);
  return user?.display_name || handle;
}

/** The handle to show beside a name: anyone but me and my friends may call themselves "Mom". */
export function handleHint(handle) {
  if ((state.me && handle === state.me.handle) || state.friends.has(handle)) return null;
  return h("small.handle-hint", {}, ` @${handle}`);
}

export function convTitle(conv) {
  if (conv.kind === "group") return conv.name || t("group.label");
  return conv.peer ? nameOf(conv.peer.handle) : t("chat.label");
}

export function chatOf(id) {
  if (!state.chats.has(id)) {
    state.chats.set(id, { bySeq: new Map(), pending: new Map(), hasMoreBefore: true, loaded: false });
  }
  return state.chats.get(id);
}

export function maxSeq(chat) {
  let max = 0;
  for (const seq of chat.bySeq.keys()) if (seq > max) max = seq;
  return max;
}

export function minSeq(chat) {
  let min = Infinity;
  for (const seq of chat.bySeq.keys()) if (seq < min) min = seq;
  return min === Infinity ? 0 : min;
}

/** Keeps a message (a newer version replaces an older one); returns true when it is new. */
export function putMessage(message) {
  const chat = chatOf(message.conversation_id);
  const old = chat.bySeq.get(message.seq);
  const isNew = !old;
  // an event's message has no read count (only a history page has): keep the one shown
  if (message.read_count == null && old?.read_count != null) message.read_count = old.read_count;
  chat.bySeq.set(message.seq, message);
  const wasPending = message.client_id && chat.pending.delete(message.client_id);
  emit("message", { message, isNew });
  if (wasPending) emit("pending", message.conversation_id);
  return isNew;
}

// Each chat's latest change here (a counter), so a chat-list page asked for before it cannot
// undo it when its answer comes late: a chat an event brought in or moved meanwhile is not
// dropped (nor rolled back), one that left meanwhile does not come back.
let changes = 0;
const changedAt = new Map();

export function touchConversation(id) {
  changedAt.set(id, ++changes);
}

function changedSince(id, mark) {
  return (changedAt.get(id) || 0) > mark;
}

export function bumpConversation(message, fromOthers) {
  const conv = state.convs.get(message.conversation_id);
  if (!conv) return;
  touchConversation(conv.id);
  const last = conv.last_message;
  if (!last || message.seq >= last.seq) {
    conv.last_message = message;
    conv.last_seq = Math.max(conv.last_seq || 0, message.seq);
    conv.updated_at = message.created_at;
  }
  if (fromOthers && message.seq > (conv.last_read_seq || 0)) conv.unread = (conv.unread || 0) + 1;
  emit("convs");
}

/** A direct chat's read receipt as the server gives it (`peer_last_read_seq`; null: none). */
function rememberPeerRead(conv) {
  const seq = conv.peer_last_read_seq;
  if (typeof seq === "number") state.peerRead.set(conv.id, Math.max(seq, state.peerRead.get(conv.id) || 0));
}

function rememberConversation(conv) {
  for (const member of conv.members || []) rememberUser(member.user);
  rememberUser(conv.peer);
  rememberPeerRead(conv);
  const old = state.convs.get(conv.id);
  if (old?.last_message && (!conv.last_message || conv.last_message.seq < old.last_message.seq)) {
    conv.last_message = old.last_message;
  }
  if (old && !conv.peer) conv.peer = old.peer;
  if (old && (!conv.members || conv.members.length === 0)) conv.members = old.members;
  state.convs.set(conv.id, conv);
  touchConversation(conv.id);
  return conv;
}

/** A chat leaves the list (I left it, or the list no longer holds it). */
export function forgetConversation(id) {
  state.convs.delete(id);
  touchConversation(id);
}

/** The chat list's first page. Chats loaded from later pages stay; one the first page
 * should hold but does not (a group I left) goes. */
export async function loadConversations() {
  const mark = changes;
  const page = await call("GET", "/conversations", undefined, { limit: PAGE });
  const seen = new Set();
  for (const conv of page.conversations) {
    seen.add(conv.id);
    if (!changedSince(conv.id, mark)) rememberConversation(conv);
  }
  const last = page.conversations[page.conversations.length - 1];
  for (const [id, conv] of [...state.convs]) {
    if (seen.has(id) || changedSince(id, mark)) continue;
    if (!page.next_cursor || !last || listedBefore(conv, last)) forgetConversation(id);
  }
  state.convsCursor = page.next_cursor;
  emit("convs");
}

/** The chat list's next page; true while more remain. Chats that moved to the top meanwhile
 * came as events (a new message), so nothing is missed. */
export async function loadMoreConversations() {
  if (!state.convsCursor) return false;
  const mark = changes;
  const page = await call("GET", "/conversations", undefined, { cursor: state.convsCursor, limit: PAGE });
  for (const conv of page.conversations) {
    if (!state.convs.has(conv.id) && !changedSince(conv.id, mark)) rememberConversation(conv);
  }
  state.convsCursor = page.next_cursor;
  emit("convs");
  return Boolean(page.next_cursor);
}

function listedBefore(a, b) {
  // the server's order: pinned, then latest activity, then id, first
  if (Boolean(a.pinned) !== Boolean(b.pinned)) return Boolean(a.pinned);
  return a.updated_at > b.updated_at || (a.updated_at === b.updated_at && a.id > b.id);
}

export async function loadConversation(id) {
  const conv = rememberConversation(await call("GET", `/conversations/${id}`));
  emit("convs");
  emit("conv", conv);
  return conv;
}

/** Every friend, page after page: every screen names people by my remark for them. */
export async function loadFriends() {
  const friends = new Map();
  let cursor = null;
  do {
    const page = await call("GET", "/friends", undefined, { cursor, limit: 100 });
    for (const friend of page.friends) friends.set(rememberUser(friend.user).handle, friend);
    cursor = page.next_cursor;
  } while (cursor);
  state.friends = friends;
  emit("friends");
}

/** The newest pending requests both ways; loadMoreRequests() pages on. */
export async function loadRequests() {
  state.requests = rememberRequests(await call("GET", "/friend-requests", undefined, { limit: PAGE }), {
    incoming: [],
    outgoing: [],
  });
  emit("requests");
}

export async function loadMoreRequests() {
  const { cursor } = state.requests;
  if (!cursor) return false;
  state.requests = rememberRequests(
    await call("GET", "/friend-requests", undefined, { cursor, limit: PAGE }),
    state.requests,
  );
  emit("requests");
  return Boolean(state.requests.cursor);
}

function rememberRequests(page, known) {
  for (const r of [...page.incoming, ...page.outgoing]) {
    rememberUser(r.from);
    rememberUser(r.to);
  }
  return {
    incoming: [...known.incoming, ...page.incoming],
    outgoing: [...known.outgoing, ...page.outgoing],
    cursor: page.next_cursor,
  };
}

/** Group invitations waiting for my answer (at most 100: they lapse after a few days). */
export async function loadInvitations() {
  const { invitations } = await call("GET", "/group-invitations", undefined, { limit: 100 });
  for (const invitation of invitations) rememberUser(invitation.inviter);
  state.invitations = invitations;
  emit("invitations");
}

export async function loadBlocks() {
  const blocked = new Set();
  let cursor = null;
  do {
    // all of them, page after page: every screen asks whether someone is blocked
    const page = await call("GET", "/blocks", undefined, { cursor, limit: 100 });
    for (const user of page.blocked) blocked.add(rememberUser(user).handle);
    cursor = page.next_cursor;
  } while (cursor);
  state.blocked = blocked;
  emit("friends");
}

export function sortedConversations() {
  return [...state.convs.values()].sort((a, b) => {
    if (Boolean(a.pinned) !== Boolean(b.pinned)) return a.pinned ? -1 : 1; // pinned first
    const ta = a.last_message?.created_at || a.updated_at || a.created_at;
    const tb = b.last_message?.created_at || b.updated_at || b.created_at;
    return tb.localeCompare(ta);
  });
}

export function myRole(conv) {
  const mine = (conv.members || []).find((m) => m.user.handle === state.me.handle);
  return mine ? mine.role : conv.owner === state.me.handle ? "owner" : "member";
}
