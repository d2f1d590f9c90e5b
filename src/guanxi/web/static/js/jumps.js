// Tapping a reply's quote jumps to the message it quotes, loading earlier history as far as
// needed (the reader's window of history is the limit), and marks it for a moment.

import { toast } from "./dom.js";
import { minSeq } from "./state.js";
import { t } from "./i18n.js";

const MAX_PAGES = 50; // 2,000 messages back at most per jump

/** Shows message `seq` of the open chat, loading earlier pages as needed, and marks it. */
export async function jumpToMessage({ chat, view, history }, seq) {
  const rowOf = () => view.scroller.querySelector(`.rows > .msg-row[data-seq="${seq}"]`);
  for (let i = 0; i < MAX_PAGES && !rowOf() && chat.hasMoreBefore && minSeq(chat) > seq; i++) {
    const before = minSeq(chat);
    await history.loadOlder();
    if (minSeq(chat) === before) break;
  }
  const row = rowOf();
  if (!row) return toast(t("jump.outOfReach"));
  row.scrollIntoView({ block: "center" });
  row.classList.remove("flash");
  void row.offsetWidth; // restart the animation
  row.classList.add("flash");
  row.querySelector(".bubble")?.focus({ preventScroll: true });
}

/** quoteJumps({chat, view, history}) → dispose() */
export function quoteJumps({ chat, view, history }) {
  const jumpTo = (seq) => jumpToMessage({ chat, view, history }, seq);

  function quoteSeq(target) {
    const quote = target.closest?.(".quote[data-seq]");
    return quote && view.scroller.contains(quote) ? Number(quote.dataset.seq) : null;
  }

  const click = (e) => {
    const seq = quoteSeq(e.target);
    if (seq === null) return;
    e.preventDefault();
    jumpTo(seq);
  };
  const key = (e) => {
    if (e.key !== "Enter" && e.key !== " ") return;
    const seq = quoteSeq(e.target);
    if (seq === null || e.target !== e.target.closest(".quote")) return;
    e.preventDefault();
    e.stopPropagation(); // not the bubble's menu
    jumpTo(seq);
  };
  view.scroller.addEventListener("click", click);
  view.scroller.addEventListener("keydown", key, true);
  return () => {
    view.scroller.removeEventListener("click", click);
    view.scroller.removeEventListener("keydown", key, true);
  };
}
