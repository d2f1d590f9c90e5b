// The chat screen: its header, the message list (messagelist.js) with its history
// (history.js), my read marker (readmarks.js) and the composer, kept live by the state's
// topics; after a reconnect it catches up. Rows are keyed by seq, so nothing shows twice.

import { clear, h, iconButton } from "./dom.js";
import { dropFiles } from "./attachments.js";
import { createComposer } from "./composer.js";
import { chatHistory } from "./history.js";
import { closeMenu, menuItem, showMenu } from "./message.js";
import { messageList } from "./messagelist.js";
import { disposeAll, paneHeader } from "./pane.js";
import { keepDraft } from "./drafts.js";
import { jumpToMessage, quoteJumps } from "./jumps.js";
import { notifyButton } from "./notify-chat.js";
import { unreadMarks } from "./unread.js";
import { readMarker } from "./readmarks.js";
import { typingSender, typingShown } from "./typing.js";
import { chatOf, convTitle, loadConversation, on, state } from "./state.js";
import { t } from "./i18n.js";
import { announcementBanner } from "./announcement.js";
import { deleteChat, selection, setOwn } from "./chatactions.js";

export function renderChat(pane, params) {
  const id = Number(params.id);
  const chat = chatOf(id);
  let conv = state.convs.get(id) || { id, kind: "direct", members: [], name: "" };
  const head = h("div.chat-head");
  const ctx = { mediaCache: new Map(), reply: (m) => composer.reply(m), edit: (m) => composer.edit(m) };
  ctx.selection = selection(
    () => conv,
    () => view.redraw(),
  );
  const banner = announcementBanner();
  const view = messageList(chat, id, { conv: () => conv, ctx, nearTop: () => history.loadOlder() });
  const history = chatHistory(chat, id, view);
  const reads = readMarker(chat, id);
  const marks = unreadMarks({ chat, view, history });
  let composer = createComposer(conv);
  keepDraft(composer.el, id);
  const section = h(
    "section.chat",
    { attrs: { "aria-label": t("chat.label") } },
    head,
    banner.el,
    marks.el,
    view.scroller,
    view.jump,
    ctx.selection.bar,
    composer.el,
  );
  clear(pane, section);
  const typing = typingShown(id, () => drawHead());
  drawHead();
  dropFiles(section, (files) => composer.addFiles(files));
  const typed = typingSender(id, () => conv);
  section.addEventListener("input", (e) => {
    if (e.isTrusted && e.target.matches?.(".composer-input")) typed(e.target.value);
  });

  function drawHead() {
    const title = convTitle(conv);
    const subtitle =
      conv.kind === "group"
        ? t("chat.members", { count: conv.member_count || (conv.members || []).length })
        : conv.peer
          ? `@${conv.peer.handle}`
          : "";
    const info = iconButton("info", conv.kind === "group" ? t("chat.groupInfo") : t("chat.contactInfo"), () => {
      location.hash =
        conv.kind === "group" ? `#/chats/${id}/info` : `#/contacts/u/${encodeURIComponent(conv.peer.handle)}`;
    });
    const sub = typing.active() ? t("chat.typing") : subtitle;
    const more = iconButton("more", t("chatActions.chatMenu"), () => chatMenu(more));
    head.replaceChildren(paneHeader(title, "chats", [notifyButton(() => conv), more, info], sub));
    banner.draw(conv);
  }

  function chatMenu(anchor) {
    showMenu(
      anchor,
      [
        menuItem(conv.pinned ? t("chatActions.unpin") : t("chatActions.pin"), () =>
          setOwn(conv, { pinned: !conv.pinned }),
        ),
        menuItem(conv.archived ? t("chatActions.unarchive") : t("chatActions.archive"), () =>
          setOwn(conv, { archived: !conv.archived }),
        ),
        menuItem(t("chatActions.select"), () => ctx.selection.start(null)),
        menuItem(t("chatActions.deleteChat"), async () => {
          if (await deleteChat(conv)) location.hash = "#/chats";
        }),
      ],
      t("chatActions.chatMenu"),
    );
  }

  async function open() {
    // the reader may act while the chat loads (tab through the header, click the search box):
    // then the focus stays where they put it; so it does in another field (a script or an
    // assistive tool can put it there without a key or pointer event)
    let acted = false;
    const watch = new AbortController();
    for (const type of ["keydown", "pointerdown"]) {
      document.addEventListener(type, () => (acted = true), { capture: true, signal: watch.signal });
    }
    try {
      await load();
    } finally {
      watch.abort();
    }
    const now = document.activeElement;
    const field = now?.matches("input, textarea, select, [contenteditable]") && !composer.el.contains(now);
    if (!acted && !field && matchMedia("(min-width: 760px)").matches) composer.focus();
  }

  async function load() {
    try {
      conv = await loadConversation(id);
    } catch (e) {
      clear(
        pane,
        paneHeader(t("chat.label"), "chats"),
        h("p.empty-detail", {}, e.status === 404 ? t("chat.missing") : t("chat.loadFailed")),
      );
      return;
    }
    const fresh = createComposer(conv);
    composer.handOver(fresh); // what was typed and chosen while the chat loaded, and the focus
    keepDraft(fresh.el, id);
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
    await marks.open(conv); // at the first unread, else at the bottom
    if (params.seq) await jumpToMessage({ chat, view, history }, Number(params.seq)); // a search hit
    reads.mark();
  }

  const dispose = disposeAll([
    on("message", ({ message, isNew }) => {
      if (message.conversation_id !== id) return;
      const wasBottom = view.nearBottom();
      view.insert(message);
      marks.changed();
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
    on("users", () => {
      drawHead(); // a name or picture changed (user.updated): the header and every row with it
      view.redraw();
    }),
    on("resumed", ({ reload }) => {
      if (reload) view.forget();
      // names and pictures changed while away (user.updated is not replayed to others)
      loadConversation(id)
        .then(() => view.redraw())
        .catch(() => {});
      history
        .catchUp()
        .then(reads.mark)
        .catch(() => {});
    }),
    on("hidden", (e) => {
      if (e.conversation_id === id) view.remove(e.seqs, e.upTo);
    }),
    on("left", (cid) => {
      if (cid === id) composer.el.replaceChildren(h("p.composer-note", {}, t("chat.left")));
    }),
    reads.dispose,
    marks.dispose,
    typing.dispose,
    quoteJumps({ chat, view, history }),
    closeMenu,
    view.dispose,
  ]);
  open();
  return dispose;
}
