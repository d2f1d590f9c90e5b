// Where an opened chat starts and the ways back: with unread messages it opens at a "New
// messages" divider above the first of them (not at the bottom); a button jumps up to that
// divider while it is out of view (in a row of its own above the list, so it hides no
// message), and the jump-to-bottom button counts the new messages below what is on screen.

import { h } from "./dom.js";
import { minSeq, state } from "./state.js";
import { t } from "./i18n.js";

const FIRST_PAGES = 3; // pages loaded on opening to reach the first unread; the button loads on
const MORE_PAGES = 25; // … up to this many (the server counts unread up to 999)

/** unreadMarks({chat, view, history}) → {el, open(conv), refresh(), dispose()} */
export function unreadMarks({ chat, view, history }) {
  let firstUnread = null; // the seq the divider stands above
  let since = Infinity; // the read marker when the chat opened (the divider's place)
  let seen = Infinity; // messages after this seq have not been on screen yet
  let placed = false; // the chat has been scrolled to where it opens
  let frame = 0;
  const up = h("button.jump-unread", { type: "button", hidden: true, on: { click: () => toDivider(MORE_PAGES) } }, "");

  async function open(conv) {
    since = conv.last_read_seq || 0;
    seen = since;
    if (!conv.unread) return place(() => view.toBottom(true));
    up.textContent = t("unread.up", { count: conv.unread > 999 ? "999+" : conv.unread });
    up.setAttribute("aria-label", t("unread.upLabel", { count: conv.unread }));
    await reach(since + 1, FIRST_PAGES);
    if (!locate()) {
      if (!far()) {
        up.textContent = ""; // nothing unread from anyone else after all
        return place(() => view.toBottom(true));
      }
      return place(() => {
        view.scroller.scrollTop = 0; // the first unread lies further back: the button goes on
      });
    }
    drawDivider();
    place(scrollToDivider);
  }

  function place(scroll) {
    scroll();
    placed = true;
    refresh();
  }

  /** The first unread message from someone else, once the history reaches back to it. */
  function far() {
    return chat.hasMoreBefore && minSeq(chat) > since + 1;
  }

  function locate() {
    if (far()) return false;
    const mine = state.me.handle;
    const first = [...chat.bySeq.values()]
      .filter((m) => m.seq > since && m.sender !== mine)
      .sort((a, b) => a.seq - b.seq)[0];
    firstUnread = first ? first.seq : null;
    return firstUnread !== null;
  }

  /** Loads earlier pages until `seq` is shown (or the history ends, or `pages` are loaded). */
  async function reach(seq, pages) {
    for (let i = 0; i < pages && chat.hasMoreBefore && minSeq(chat) > seq; i++) {
      const before = minSeq(chat);
      await history.loadOlder();
      if (minSeq(chat) === before) break; // nothing came: another load was under way
    }
  }

  function dividerRow() {
    return firstUnread === null ? null : view.scroller.querySelector(`.msg-row[data-seq="${firstUnread}"]`);
  }

  function drawDivider() {
    const row = dividerRow();
    if (!row || row.querySelector(".unread-divider")) return;
    const line = h("div.unread-divider", { attrs: { role: "separator" } }, h("span", {}, t("news.label")));
    const sep = row.querySelector(":scope > .day-sep");
    if (sep) sep.after(line);
    else row.prepend(line);
  }

  function scrollToDivider() {
    const line = dividerRow()?.querySelector(".unread-divider");
    if (!line) return;
    // near the top, with a little of what was read before above it
    const scroller = view.scroller;
    const offset = line.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    scroller.scrollTop += offset - Math.min(80, scroller.clientHeight / 4);
    refresh();
  }

  async function toDivider(pages) {
    await reach(since + 1, pages);
    if (firstUnread === null && !locate()) return;
    drawDivider();
    scrollToDivider();
  }

  /** Counts what is new below the screen, and shows the buttons that lead there. */
  function refresh() {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const box = view.scroller.getBoundingClientRect();
      const rows = view.scroller.querySelectorAll(".rows:not(.pending-rows) > .msg-row[data-seq]");
      let below = 0;
      for (let i = rows.length - 1; i >= 0; i--) {
        const row = rows[i];
        const seq = Number(row.dataset.seq);
        if (row.getBoundingClientRect().top < box.bottom - 8) {
          if (placed) seen = Math.max(seen, seq); // the lowest row on screen: everything above it was seen
          break;
        }
        if (seq > seen && row.dataset.sender !== state.me.handle) below += 1;
      }
      const atBottom = view.nearBottom();
      view.jump.hidden = atBottom;
      view.jump.textContent = below ? t("unread.below", { count: below }) : "↓";
      view.jump.setAttribute("aria-label", below ? t("unread.toNewestCount", { count: below }) : t("unread.toNewest"));
      const line = dividerRow();
      const passed = line && line.getBoundingClientRect().top >= box.top; // on screen or below
      show(!(since === Infinity || passed || (firstUnread === null && !up.textContent)));
    });
  }

  /** The button has a row of its own above the list: what is on screen stays where it was
   *  when the row comes or goes. */
  function show(shown) {
    if (up.hidden !== shown) return;
    const top = view.scroller.getBoundingClientRect().top;
    up.hidden = !shown;
    view.scroller.scrollTop += view.scroller.getBoundingClientRect().top - top;
  }

  view.scroller.addEventListener("scroll", refresh);
  return {
    el: up,
    open,
    /** After rows change (a message arrived or was edited): the divider and the count. */
    changed() {
      drawDivider();
      refresh();
    },
    dispose: () => {
      cancelAnimationFrame(frame);
      view.scroller.removeEventListener("scroll", refresh);
    },
  };
}
