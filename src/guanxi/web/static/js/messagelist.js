// A chat's scrolled list of messages: rows keyed by seq (a message shown once is never
// doubled, a newer version replaces its row), sends still under way below them, the read
// receipts (readmarks.js), and where the list is scrolled to.

import { h } from "./dom.js";
import { buildRow, pendingRow, relink } from "./message.js";
import { showReceipt } from "./readmarks.js";
import { maxSeq, state } from "./state.js";
import { discardPending } from "./sync.js";
import { t } from "./i18n.js";
import { roving } from "./roving.js";

/** messageList(chat, id, {conv(), ctx, nearTop()}) → the list's elements and what it can do. */
export function messageList(chat, id, { conv, ctx, nearTop }) {
  const rows = new Map();
  let atBottom = true;
  const top = h("div.history-top", { attrs: { "aria-live": "polite" } });
  const list = h("div.rows");
  const pendingList = h("div.rows.pending-rows");
  const scroller = h(
    "div.messages",
    { tabIndex: 0, attrs: { role: "log", "aria-label": t("messages.label"), "aria-live": "polite" } },
    top,
    list,
    pendingList,
  );
  // one tab stop for all the messages (the newest until the reader moves): arrows go through them
  const stopRoving = roving(list, ".bubble", { last: true, key: (el) => el.closest(".msg-row")?.dataset.seq });
  const jump = h(
    "button.jump",
    { type: "button", hidden: true, on: { click: () => toBottom(true) } },
    t("messages.newBelow"),
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
    if (el && message) showReceipt(el, message, conv());
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
              h(
                "button.link",
                { type: "button", on: { click: () => discardPending(id, item.client_id) } },
                t("common.remove"),
              ),
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
    dispose: stopRoving,
    forget() {
      list.replaceChildren();
      rows.clear();
    },
    /** Messages deleted for me: their rows go (`upTo`: every row up to that seq). */
    remove(seqs, upTo) {
      for (const [seq, row] of [...rows]) {
        if (!(seqs ? seqs.includes(seq) : seq <= upTo)) continue;
        const next = row.nextElementSibling;
        row.remove();
        rows.delete(seq);
        relink(next);
      }
    },
    /** Draw every row again (a selection changed). */
    redraw() {
      for (const seq of [...rows.keys()]) {
        const message = chat.bySeq.get(seq);
        if (message) insert(message);
      }
    },
    showTop(text) {
      top.textContent = text ?? (chat.hasMoreBefore ? "" : t("messages.beginning"));
    },
    /** Runs fn (which adds rows above) keeping the rows in view where they are. */
    keepPosition(fn) {
      const height = scroller.scrollHeight;
      fn();
      scroller.scrollTop += scroller.scrollHeight - height;
    },
  };
}
