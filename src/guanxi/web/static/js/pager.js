// A "more" button under a list paged by cursor: the next page loads when it is clicked or
// scrolled into view. The server answers pages of at most 100; the cursor is its business.

import { h } from "./dom.js";
import { t } from "./i18n.js";

export const PAGE = 50;

/** pager(t("chatlist.more"), async () => hasMore) → {el, load(), show(hasMore), dispose()} */
export function pager(label, loadNext) {
  const button = h("button.secondary.wide.pager", { type: "button", hidden: true }, label);
  let busy = false;
  let failed = false;
  const load = async () => {
    if (busy) return;
    busy = true;
    button.disabled = true;
    try {
      button.hidden = !(await loadNext());
      failed = false;
      button.textContent = label;
    } catch {
      failed = true; // no more loading by scrolling: a click tries again
      button.hidden = false;
      button.textContent = t("pager.failed", { label });
    } finally {
      busy = false;
      button.disabled = false;
    }
  };
  button.addEventListener("click", load);
  const watcher = new IntersectionObserver((entries) => {
    if (!failed && !button.hidden && entries.some((e) => e.isIntersecting)) load();
  });
  watcher.observe(button);
  return {
    el: button,
    load,
    show: (more) => {
      button.hidden = !more;
    },
    dispose: () => watcher.disconnect(),
  };
}
