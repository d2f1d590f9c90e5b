// The frame: a rail of sections, a list pane and a detail pane, with unread badges and the
// connection status. It knows no screen: the boot hands it the route table, and the router
// fills the panes. On a phone one pane shows at a time (`body.has-detail` says which).

import { clear, h, icon } from "./dom.js";
import { onRoute, startRouter } from "./router.js";
import { on, state } from "./state.js";
import { disposeAll } from "./pane.js";

/** showShell(root, {sections, routes, app}) → dispose() */
export function showShell(root, { sections, routes, app }) {
  const tabs = sections.map((s) =>
    h(
      "a.tab",
      { href: `#/${s.id}`, dataset: { section: s.id }, attrs: { "aria-label": s.label } },
      icon(s.icon),
      h("span.tab-label", {}, s.label),
      h("span.badge", { hidden: true }),
    ),
  );
  const status = h("div.conn-status", { attrs: { role: "status", "aria-live": "polite" } });
  const listPane = h("section.list-pane", { attrs: { "aria-label": "List" } });
  const mainPane = h("main.main-pane");
  const rail = h(
    "nav.rail",
    { attrs: { "aria-label": "Sections" } },
    h("span.brand-mark.rail-brand", { attrs: { "aria-hidden": "true" } }, "关"),
    tabs,
  );
  clear(root, h("div.shell", {}, rail, listPane, mainPane), status);
  const offs = [
    on("status", (s) => showStatus(status, s)),
    on("requests", () => updateBadges(tabs)),
    on("convs", () => updateBadges(tabs)),
    onRoute(({ section, parts }) => {
      for (const tab of tabs) tab.toggleAttribute("aria-current", tab.dataset.section === section);
      document.body.classList.toggle("wide", Boolean(sections.find((s) => s.id === section).wide));
      document.body.classList.toggle("has-detail", parts.length > 0);
    }),
  ];
  offs.push(startRouter({ sections, routes, listPane, mainPane, app }));
  return disposeAll(offs);
}

function showStatus(el, s) {
  el.textContent = s === "online" ? "" : s === "offline" ? "Offline — reconnecting…" : "Connecting…";
  el.classList.toggle("visible", s !== "online" && state.me !== null);
}

function updateBadges(tabs) {
  const unread = [...state.convs.values()].reduce((n, c) => n + (c.unread || 0), 0);
  const counts = { chats: unread, contacts: state.requests.incoming.length };
  for (const tab of tabs) {
    const badge = tab.querySelector(".badge");
    const n = counts[tab.dataset.section] || 0;
    badge.hidden = n === 0;
    badge.textContent = n > 99 ? "99+" : String(n);
    tab.setAttribute("aria-label", `${tab.querySelector(".tab-label").textContent}${n ? `, ${n} new` : ""}`);
  }
}
