// Keyboard ways around the frame: skip links (the first tab stops of the page, shown when
// focused) to the chat list and to the message box, and Alt+↑ / Alt+↓ for the previous and
// the next chat in the list's order. Ctrl/Cmd+K (search.js) and Esc (menus, dialogs, the
// search box) are where their targets are.

import { h } from "./dom.js";
import { listed } from "./chatlist.js";
import { sortedConversations } from "./state.js";
import { t } from "./i18n.js";

/** Goes to a hash (when not there yet), then focuses what `find` returns. */
function goThenFocus(hash, find) {
  const focus = () => find()?.focus();
  if (location.hash.startsWith(hash)) return focus();
  window.addEventListener("hashchange", focus, { once: true }); // the router draws first
  location.hash = hash;
}

const listStop = () =>
  document.querySelector('.list-pane .conv-list [tabindex="0"]') || document.querySelector(".list-pane .search-input");
const messageBox = () => document.querySelector(".composer-input");

/** The skip links: {el, label(), show(section, parts)}. */
export function skipLinks() {
  const toList = h("button.skip-link", { type: "button", on: { click: () => goThenFocus("#/chats", listStop) } });
  const toBox = h("button.skip-link", { type: "button", hidden: true, on: { click: () => messageBox()?.focus() } });
  return {
    el: h("div.skip-links", {}, toList, toBox),
    label() {
      toList.textContent = t("a11y.skipToList");
      toBox.textContent = t("a11y.skipToBox");
    },
    show(section, parts) {
      toBox.hidden = !(section === "chats" && parts.length > 0 && parts[1] !== "info"); // a chat is open
    },
  };
}

/** Alt+↑ / Alt+↓: the previous or next chat of the list, from any screen. */
export function chatShortcuts() {
  const key = (e) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
    const ids = sortedConversations()
      .filter(listed)
      .map((c) => c.id);
    if (!ids.length) return;
    e.preventDefault();
    const open = Number((location.hash.match(/^#\/chats\/(\d+)/) || [])[1]);
    const at = ids.indexOf(open);
    const next = at < 0 ? 0 : Math.min(ids.length - 1, Math.max(0, at + (e.key === "ArrowDown" ? 1 : -1)));
    location.hash = `#/chats/${ids[next]}`;
  };
  document.addEventListener("keydown", key);
  return () => document.removeEventListener("keydown", key);
}
