// The chat screen: its header, the message list (messagelist.js) with its history
// (history.js), my read marker (readmarks.js) and the composer, kept live by the state's
// topics; after a reconnect it catches up. Rows are keyed by seq, so nothing shows twice.

import { clear, h, iconButton } from "./dom.js";
import { dropFiles } from "./attachments.js";
import { createComposer } from "./composer.js";
import { chatHistory } from "./history.js";
import { closeMenu } from "./message.js";
import { messageList } from "./messagelist.js";
import { disposeAll, paneHeader } from "./pane.js";
import { readMarker } from "./readmarks.js";
import { chatOf, convTitle, loadConversation, on, state } from "./state.js";

export function renderChat(pane, params) {
  const id = Number(params.id);
  const chat = chatOf(id);
  let conv = state.convs.get(id) || { id, kind: "direct", members: [], name: "" };
  const head = h("div.chat-head");
  const ctx = { mediaCache: new Map(), reply: (m) => composer.reply(m), edit: (m) => composer.edit(m) };
  const view = messageList(chat, id, { conv: () => conv, ctx, nearTop: () => history.loadOlder() });
  const history = chatHistory(chat, id, view);
  const reads = readMarker(chat, id);
  let composer = createComposer(conv);
  const section = h("section.chat", { attrs: { "aria-label": "Chat" } }, head, view.scroller, view.jump, composer.el);
  clear(pane, section);
  drawHead();
  dropFiles(section, (files) => composer.addFiles(files));

  function drawHead() {
    const title = convTitle(conv);
    const subtitle =
      conv.kind === "group"
        ? `${conv.member_count || (conv.members || []).length} members`
        : conv.peer
          ? `@${conv.peer.handle}`
          : "";
    const info = iconButton("info", conv.kind === "group" ? "Group info" : "Contact info", () => {
      location.hash =
        conv.kind === "group" ? `#/chats/${id}/info` : `#/contacts/u/${encodeURIComponent(conv.peer.handle)}`;
    });
    head.replaceChildren(paneHeader(title, "chats", [info], subtitle));
  }

  async function open() {
    try {
      conv = await loadConversation(id);
    } catch (e) {
      clear(
        pane,
        paneHeader("Chat", "chats"),
        h("p.empty-detail", {}, e.status === 404 ? "This chat does not exist." : "Could not load this chat."),
      );
      return;
    }
    const fresh = createComposer(conv);
    carryOverText(composer.el, fresh.el); // typed while the chat was loading
    composer.el.replaceWith(fresh.el);
    composer = fresh;
    drawHead();
    for (const m of chat.bySeq.values()) view.insert(m);
    try {
      await history.catchUp(); // the first page, or what came since this chat was last open
    } catch {
      // offline: the "resumed" handler catches up once the connection is back
    }
    view.showTop();
    view.drawPending();
    view.toBottom(true);
    reads.mark();
    if (matchMedia("(min-width: 760px)").matches) composer.focus();
  }

  const dispose = disposeAll([
    on("message", ({ message, isNew }) => {
      if (message.conversation_id !== id) return;
      const wasBottom = view.nearBottom();
      view.insert(message);
      if (!isNew) return;
      view.arrived(message, wasBottom);
      reads.mark();
    }),
    on("pending", (cid) => {
      if (cid === id) view.drawPending();
    }),
    on("read", (cid) => {
      if (cid === id) view.redrawReceipts();
    }),
    on("conv", (c) => {
      if (c.id === id) {
        conv = c;
        drawHead();
      }
    }),
    on("friends", drawHead),
    on("resumed", ({ reload }) => {
      if (reload) view.forget();
      history
        .catchUp()
        .then(reads.mark)
        .catch(() => {});
    }),
    on("left", (cid) => {
      if (cid === id)
        composer.el.replaceChildren(h("p.composer-note", {}, "You are no longer a member of this group."));
    }),
    reads.dispose,
    closeMenu,
  ]);
  open();
  return dispose;
}

function carryOverText(from, to) {
  const typed = from.querySelector(".composer-input")?.value;
  const box = to.querySelector(".composer-input");
  if (!typed || !box) return;
  box.value = typed;
  box.dispatchEvent(new Event("input"));
}
