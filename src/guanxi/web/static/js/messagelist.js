// A chat's scrolled list of messages: rows keyed by seq (a message shown once is never
// doubled, a newer version replaces its row), sends still under way below them, the read
// ticks of a direct chat, and where the list is scrolled to.

import { h } from "./dom.js";
import { buildRow, pendingRow, relink } from "./message.js";
import { maxSeq, state } from "./state.js";
import { discardPending } from "./sync.js";

/** messageList(chat, id, {conv(), ctx, nearTop()}) → the list's elements and what it can do. */
export function messageList(chat, id, { conv, ctx, nearTop }) {
  const rows = new Map();
  let atBottom = true;
  const top = h("div.history-top", { attrs: { "aria-live": "polite" } });
  const list = h("div.rows");
  const pendingList = h("div.rows.pending-rows");
  const scroller = h(
    "div.messages",
    { tabIndex: 0, attrs: { role: "log", "aria-label": "Messages", "aria-live": "polite" } },
    top,
    list,
    pendingList,
  );
  const jump = h(
    "button.jump",
    { type: "button", hidden: true, on: { click: () => toBottom(true) } },
    "New messages ↓",
  );

  function insert(message) {
    const old = rows.get(message.seq);
    const row = buildRow(message, conv(), ctx);
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
    if (!el || conv().kind !== "direct") return;
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
    pendingList.replaceChildren(
      ...[...chat.pending.values()].map((item) => {
        const row = pendingRow(item);
        if (item.status === "failed") {
          row
            .querySelector(".meta")
            .append(
              h("button.link", { type: "button", on: { click: () => discardPending(id, item.client_id) } }, "Remove"),
            );
        }
        return row;
      }),
    );
    toBottom(true);
  }

  scroller.addEventListener("scroll", () => {
    atBottom = nearBottom();
    if (atBottom) jump.hidden = true;
    if (scroller.scrollTop < 200 && chat.loaded) nearTop();
  });

  return {
    scroller,
    jump,
    insert,
    drawPending,
    toBottom,
    nearBottom,
    shown: () => rows.size,
    /** A message arrived live: follow it if the reader was at the bottom, else offer a jump. */
    arrived(message, wasBottom) {
      if (message.sender === state.me.handle || wasBottom) toBottom(true);
      else if (rows.size && message.seq === maxSeq(chat)) jump.hidden = false;
    },
    redrawReceipts() {
      for (const [seq, row] of rows) receipt(row, chat.bySeq.get(seq));
    },
    forget() {
      list.replaceChildren();
      rows.clear();
    },
    showTop(text) {
      top.textContent = text ?? (chat.hasMoreBefore ? "" : "Beginning of the conversation");
    },
    /** Runs fn (which adds rows above) keeping the rows in view where they are. */
    keepPosition(fn) {
      const height = scroller.scrollHeight;
      fn();
      scroller.scrollTop += scroller.scrollHeight - height;
    },
  };
}
