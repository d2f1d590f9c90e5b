// Read markers. Mine in an open chat: once messages are shown and the window has the focus,
// the newest seq is marked read (debounced), and the chat list's unread count drops to zero.
// Others', on my own messages: ✓✓ in a direct chat (the peer's marker: live from
// `conversation.read`, after a reload from `peer_last_read_seq`, both kept by state.js), and
// "Read by N" in a group (`read_count` of the history page), which opens the list of readers.

import { call } from "./api.js";
import { avatar, h, modal } from "./dom.js";
import { PAGE, pager } from "./pager.js";
import { emit, maxSeq, nameOf, rememberUser, state } from "./state.js";
import { t } from "./i18n.js";

/** Fill a message's receipt element: ✓ / ✓✓ in a direct chat, "Read by N" in a group. */
export function showReceipt(el, message, conv) {
  if (conv.kind === "direct") {
    const read = (state.peerRead.get(conv.id) || 0) >= message.seq;
    el.replaceChildren(read ? "✓✓" : "✓");
    el.classList.toggle("read", read);
    el.setAttribute("aria-label", read ? t("receipt.read") : t("receipt.sent"));
    el.title = read ? t("receipt.read") : t("receipt.sent");
    return;
  }
  const count = message.read_count || 0;
  el.classList.toggle("read", count > 0);
  el.classList.toggle("read-by", count > 0);
  el.removeAttribute("aria-label");
  el.title = "";
  if (!count) {
    el.replaceChildren("✓");
    el.setAttribute("aria-label", t("receipt.sent"));
    return;
  }
  const open = () =>
    showReaders(conv, message, (n) => {
      message.read_count = n;
      showReceipt(el, message, conv);
    });
  // Enter on the button is its own: the bubble's Enter opens the message menu
  const keys = (e) => e.stopPropagation();
  el.replaceChildren(
    h("button.link.readers", { type: "button", on: { click: open, keydown: keys } }, t("receipt.readBy", { count })),
  );
}

/** The list of who read a message, a page at a time; `counted(n)` learns the list's length. */
function showReaders(conv, message, counted) {
  modal(t("receipt.readers"), () => {
    const list = h("ul.member-list.readers-list");
    let cursor = null;
    let seen = 0;
    const path = `/conversations/${conv.id}/messages/${message.seq}/readers`;
    const more = pager(t("common.more"), async () => {
      const page = await call("GET", path, undefined, { cursor, limit: PAGE });
      for (const user of page.readers) {
        const handle = rememberUser(user).handle;
        list.append(
          h("li.member", {}, avatar(nameOf(handle), handle, ".small"), h("span.member-name", {}, nameOf(handle))),
        );
      }
      seen += page.readers.length;
      cursor = page.next_cursor;
      if (!cursor) counted(seen);
      if (!seen) list.append(h("li.muted", {}, t("receipt.nobody")));
      return Boolean(cursor);
    });
    more.load();
    return h("div.readers-box", {}, list, more.el);
  });
}

/** readMarker(chat, id) → {mark(), dispose()} */
export function readMarker(chat, id) {
  let timer = null;

  function mark() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const seq = maxSeq(chat);
      const c = state.convs.get(id);
      if (!c || document.hidden || seq === 0 || (c.last_read_seq || 0) >= seq) return;
      try {
        await call("POST", `/conversations/${id}/read`, { seq });
        c.last_read_seq = Math.max(c.last_read_seq || 0, seq);
        c.unread = 0;
        emit("convs");
      } catch {
        /* retried on the next message or focus */
      }
    }, 250);
  }

  const focus = () => mark();
  window.addEventListener("focus", focus);
  document.addEventListener("visibilitychange", focus);
  const dispose = () => {
    window.removeEventListener("focus", focus);
    document.removeEventListener("visibilitychange", focus);
  };
  return { mark, dispose };
}
