// The chat view: history (earlier pages loaded when scrolling up), live messages, read marks,
// catch-up after a reconnect. Rows are keyed by seq, so a message shown once is never doubled.

import { call } from "./api.js";
import { clear, h, iconButton } from "./dom.js";
import { createComposer } from "./composer.js";
import { buildRow, closeMenu, pendingRow, relink } from "./message.js";
import { disposeAll, paneHeader } from "./pane.js";
import { chatOf, convTitle, emit, loadConversation, maxSeq, minSeq, on, putMessage, state } from "./state.js";
import { discardPending } from "./sync.js";

const PAGE = 40;

export function renderChat(pane, params) {
  const id = Number(params.id);
  const chat = chatOf(id);
  const rows = new Map();
  const mediaCache = new Map();
  let conv = state.convs.get(id) || { id, kind: "direct", members: [], name: "" };
  let loadingOlder = false, readTimer = null, atBottom = true;

  const head = h("div.chat-head");
  const top = h("div.history-top", { attrs: { "aria-live": "polite" } });
  const list = h("div.rows");
  const pendingList = h("div.rows.pending-rows");
  const scroller = h("div.messages", { tabIndex: 0, attrs: { role: "log", "aria-label": "Messages", "aria-live": "polite" } }, top, list, pendingList);
  const jump = h("button.jump", { type: "button", hidden: true, on: { click: () => toBottom(true) } }, "New messages ↓");
  const ctx = { mediaCache, reply: (m) => composer.reply(m), edit: (m) => composer.edit(m) };
  let composer = createComposer(conv);
  const view = h("section.chat", { attrs: { "aria-label": "Chat" } }, head, scroller, jump, composer.el);
  clear(pane, view);
  drawHead();

  function drawHead() {
    const title = convTitle(conv);
    const subtitle = conv.kind === "group" ? `${conv.member_count || (conv.members || []).length} members` : conv.peer ? "@" + conv.peer.handle : "";
    const info = iconButton("info", conv.kind === "group" ? "Group info" : "Contact info", () => {
      location.hash = conv.kind === "group" ? `#/chats/${id}/info` : `#/contacts/u/${encodeURIComponent(conv.peer.handle)}`;
    });
    head.replaceChildren(paneHeader(title, "chats", [info], subtitle));
  }

  function insert(message) {
    const old = rows.get(message.seq);
    const row = buildRow(message, conv, ctx);
    rows.set(message.seq, row);
    if (old) {
      old.replaceWith(row);
    } else {
      const next = [...rows.keys()].filter((s) => s > message.seq).sort((a, b) => a - b)[0];
      list.insertBefore(row, next === undefined ? null : rows.get(next));
    }
    relink(row);
    relink(row.nextElementSibling);
    receipt(row, message);
  }

  function receipt(row, message) {
    const el = row.querySelector("[data-receipt]");
    if (!el || conv.kind !== "direct") return;
    const read = (state.peerRead.get(id) || 0) >= message.seq;
    el.textContent = read ? "✓✓" : "✓";
    el.classList.toggle("read", read);
    el.setAttribute("aria-label", read ? "Read" : "Sent");
    el.title = read ? "Read" : "Sent";
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 120;
  }

  function toBottom(force) {
    if (force || atBottom) {
      scroller.scrollTop = scroller.scrollHeight;
      jump.hidden = true;
    }
  }

  function drawPending() {
    pendingList.replaceChildren(...[...chat.pending.values()].map((item) => {
      const row = pendingRow(item);
      if (item.status === "failed") {
        row.querySelector(".meta").append(h("button.link", { type: "button", on: { click: () => discardPending(id, item.client_id) } }, "Remove"));
      }
      return row;
    }));
    toBottom(true);
  }

  async function loadOlder() {
    if (loadingOlder || !chat.hasMoreBefore) return;
    loadingOlder = true;
    top.textContent = "Loading earlier messages…";
    const before = rows.size ? minSeq(chat) : undefined;
    try {
      const page = await call("GET", `/conversations/${id}/messages`, undefined, { before, limit: PAGE });
      const height = scroller.scrollHeight;
      for (const m of page.messages) putMessage(m);
      chat.hasMoreBefore = page.has_more;
      scroller.scrollTop += scroller.scrollHeight - height;
    } finally {
      loadingOlder = false;
      top.textContent = chat.hasMoreBefore ? "" : "Beginning of the conversation";
    }
  }

  /** Everything after the newest message shown, page by page (after a reconnect). If the
   *  first page never arrived (the network went while it loaded), fetch it now. */
  async function catchUp() {
    if (!chat.loaded) {
      chat.hasMoreBefore = true;
      await loadOlder();
      chat.loaded = true;
    }
    let after = maxSeq(chat);
    if (after === 0) return;
    for (;;) {
      const page = await call("GET", `/conversations/${id}/messages`, undefined, { after, limit: 200 });
      for (const m of page.messages) putMessage(m);
      if (!page.has_more || page.messages.length === 0) break;
      after = Math.max(...page.messages.map((m) => m.seq));
    }
  }

  function markRead() {
    clearTimeout(readTimer);
    readTimer = setTimeout(async () => {
      const seq = maxSeq(chat);
      const c = state.convs.get(id);
      if (!c || document.hidden || seq === 0 || (c.last_read_seq || 0) >= seq) return;
      try {
        await call("POST", `/conversations/${id}/read`, { seq });
        c.last_read_seq = Math.max(c.last_read_seq || 0, seq);
        c.unread = 0;
        emit("convs");
      } catch { /* retried on the next message or focus */ }
    }, 250);
  }

  async function open() {
    try {
      conv = await loadConversation(id);
    } catch (e) {
      clear(pane, paneHeader("Chat", "chats"), h("p.empty-detail", {}, e.status === 404 ? "This chat does not exist." : "Could not load this chat."));
      return;
    }
    const fresh = createComposer(conv);
    carryOverText(composer.el, fresh.el); // typed while the chat was loading
    composer.el.replaceWith(fresh.el);
    composer = fresh;
    drawHead();
    for (const m of chat.bySeq.values()) insert(m);
    try {
      await catchUp(); // the first page, or what came since this chat was last open
    } catch {
      // offline: the "resumed" handler catches up once the connection is back
    }
    top.textContent = chat.hasMoreBefore ? "" : "Beginning of the conversation";
    drawPending();
    toBottom(true);
    markRead();
    if (matchMedia("(min-width: 760px)").matches) composer.focus();
  }

  scroller.addEventListener("scroll", () => {
    atBottom = nearBottom();
    if (atBottom) jump.hidden = true;
    if (scroller.scrollTop < 200 && chat.loaded) loadOlder();
  });
  view.addEventListener("dragover", (e) => { e.preventDefault(); view.classList.add("dropping"); });
  view.addEventListener("dragleave", (e) => { if (!view.contains(e.relatedTarget)) view.classList.remove("dropping"); });
  view.addEventListener("drop", (e) => {
    e.preventDefault();
    view.classList.remove("dropping");
    if (e.dataTransfer && e.dataTransfer.files.length) composer.addFiles([...e.dataTransfer.files]);
  });
  const focus = () => markRead();
  window.addEventListener("focus", focus);
  document.addEventListener("visibilitychange", focus);

  const offs = [
    on("message", ({ message, isNew }) => {
      if (message.conversation_id !== id) return;
      const wasBottom = nearBottom();
      insert(message);
      if (!isNew) return;
      if (message.sender === state.me.handle || wasBottom) toBottom(true);
      else if (rows.size && message.seq === maxSeq(chat)) jump.hidden = false;
      markRead();
    }),
    on("pending", (cid) => { if (cid === id) drawPending(); }),
    on("read", (cid) => { if (cid === id) for (const [seq, row] of rows) receipt(row, chat.bySeq.get(seq)); }),
    on("conv", (c) => { if (c.id === id) { conv = c; drawHead(); } }),
    on("friends", drawHead),
    on("resumed", ({ reload }) => {
      if (reload) { list.replaceChildren(); rows.clear(); }
      catchUp().then(markRead).catch(() => {});
    }),
    on("left", (cid) => { if (cid === id) composer.el.replaceChildren(h("p.composer-note", {}, "You are no longer a member of this group.")); }),
    () => { window.removeEventListener("focus", focus); document.removeEventListener("visibilitychange", focus); closeMenu(); },
  ];
  open();
  return disposeAll(offs);
}

function carryOverText(from, to) {
  const typed = from.querySelector(".composer-input")?.value;
  const box = to.querySelector(".composer-input");
  if (!typed || !box) return;
  box.value = typed;
  box.dispatchEvent(new Event("input"));
}
