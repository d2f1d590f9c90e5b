// Keyboard movement inside lists and menus. A list is one tab stop (a roving tab index): one
// item holds tabindex 0, the others -1; arrow keys, Home and End move between items. A menu
// moves the same way, Esc and Tab close it and focus goes back to what opened it.

const NEXT = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

function target(items, i, key, columns = 1) {
  if (key === "Home") return items[0];
  if (key === "End") return items.at(-1);
  if (!(key in NEXT)) return null;
  const step = key === "ArrowUp" || key === "ArrowDown" ? columns : 1;
  return items[Math.min(items.length - 1, Math.max(0, i + NEXT[key] * step))];
}

/** roving(container, selector, {last, key, columns}) → dispose(). `last`: before the user
 * moves, the stop is the last item (the newest message); otherwise the current one
 * (aria-current) or the first. `key(el)` names an item across redraws, so a redrawn list keeps
 * its place (and its focus, when a redraw took the focused item away). `columns`: a grid of
 * that many columns, where ↑ and ↓ move by a row. */
export function roving(container, selector, { last = false, key = null, columns = 1 } = {}) {
  let current = null;
  let currentKey = null;
  const items = () => [...container.querySelectorAll(selector)].filter((el) => !el.closest("[hidden]"));
  const settle = () => {
    const all = items();
    const hadFocus = current && !current.isConnected && document.activeElement === document.body;
    const inside = container.contains(document.activeElement);
    if (!all.includes(current)) current = (key && all.find((el) => key(el) === currentKey)) || null;
    if (!current || (last && !inside && !hadFocus)) current = fallback(all);
    for (const el of all) el.tabIndex = el === current ? 0 : -1;
    if (current && hadFocus) current.focus({ preventScroll: true });
  };
  const fallback = (all) =>
    last ? all.at(-1) : all.find((el) => el.hasAttribute("aria-current") || el.matches(".active")) || all[0];
  const moveTo = (el) => {
    current = el;
    currentKey = key ? key(el) : null;
    settle();
    el.focus();
  };
  const onKey = (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !e.target.matches(selector)) return;
    const all = items();
    const next = target(all, all.indexOf(e.target), e.key, columns);
    if (!next) return;
    e.preventDefault();
    moveTo(next);
  };
  const onFocus = (e) => {
    const el = e.target.closest(selector);
    if (el && el !== current && container.contains(el)) {
      current = el;
      currentKey = key ? key(el) : null;
      settle();
    }
  };
  container.addEventListener("keydown", onKey);
  container.addEventListener("focusin", onFocus);
  const observer = new MutationObserver(settle);
  observer.observe(container, { childList: true, subtree: true });
  settle();
  return () => observer.disconnect();
}

/** Arrow keys, Home and End between a menu's items; Esc (or Tab) closes it and focus goes
 * back to `opener`. close() removes the menu. */
export function menuKeys(menu, opener, close) {
  menu.addEventListener("keydown", (e) => {
    const items = [...menu.querySelectorAll('[role="menuitem"]')];
    if (e.key === "Escape" || e.key === "Tab") {
      e.preventDefault();
      e.stopPropagation();
      close();
      opener?.focus();
      return;
    }
    const next = target(items, items.indexOf(document.activeElement), e.key);
    if (!next) return;
    e.preventDefault();
    next.focus();
  });
}
