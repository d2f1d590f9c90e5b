// The frame: a rail of sections, a list pane and a detail pane, with unread badges and the
// connection status. It knows no screen: the boot hands it the route table, and the router
// fills the panes. On a phone one pane shows at a time (`body.has-detail` says which).

import { clear, h, icon } from "./dom.js";
import { onRoute, redraw, startRouter } from "./router.js";
import { on, state } from "./state.js";
import { disposeAll } from "./pane.js";
import { searchShortcut } from "./search.js";
import { startMomentsNews, unseenNotices } from "./momentsnews.js";
import { onLanguage, t } from "./i18n.js";
import { chatShortcuts, skipLinks } from "./shortcuts.js";

/** showShell(root, {sections, routes, app}) → dispose() */
export function showShell(root, { sections, routes, app }) {
  const tabs = sections.map((s) =>
    h(
      "a.tab",
      { href: `#/${s.id}`, dataset: { section: s.id } },
      icon(s.icon),
      h("span.tab-label"),
      " ", // the label and the count read as two words (the link's name holds both)
      h("span.badge", { hidden: true, attrs: { "aria-hidden": "true" } }),
    ),
  );
  const status = h("div.conn-status", { attrs: { role: "status", "aria-live": "polite" } });
  const listPane = h("section.list-pane");
  const mainPane = h("main.main-pane");
  const rail = h("nav.rail", {}, h("span.brand-mark.rail-brand", { attrs: { "aria-hidden": "true" } }, "关"), tabs);
  const skips = skipLinks();
  clear(root, skips.el, h("div.shell", {}, rail, listPane, mainPane), status);
  const label = () => {
    skips.label();
    listPane.setAttribute("aria-label", t("shell.list"));
    rail.setAttribute("aria-label", t("shell.sections"));
    tabs.forEach((tab, i) => {
      tab.querySelector(".tab-label").textContent = sections[i].label();
    });
    updateBadges(tabs);
    showStatus(status, state.online);
  };
  label();
  const offs = [
    on("status", (s) => showStatus(status, s)),
    on("requests", () => updateBadges(tabs)),
    on("convs", () => updateBadges(tabs)),
    searchShortcut(),
    chatShortcuts(),
    on("momentsNews", () => updateBadges(tabs)),
    onLanguage(() => {
      label();
      redraw(); // every screen again, in the new language
    }),
    startMomentsNews(),
    onRoute(({ section, parts }) => {
      for (const tab of tabs) tab.toggleAttribute("aria-current", tab.dataset.section === section);
      document.body.classList.toggle("wide", Boolean(sections.find((s) => s.id === section).wide));
      document.body.classList.toggle("has-detail", parts.length > 0);
      skips.show(section, parts);
    }),
  ];
  offs.push(startRouter({ sections, routes, listPane, mainPane, app }));
  return disposeAll(offs);
}

function showStatus(el, s) {
  el.textContent = s === "online" ? "" : s === "offline" ? t("shell.offline") : t("shell.connecting");
  el.classList.toggle("visible", s !== "online" && state.me !== null);
}

function updateBadges(tabs) {
  const unread = [...state.convs.values()].reduce((n, c) => n + (c.muted ? 0 : c.unread || 0), 0); // muted: grey badges only
  const counts = { chats: unread, contacts: state.requests.incoming.length, moments: unseenNotices() };
  for (const tab of tabs) {
    const badge = tab.querySelector(".badge");
    const n = counts[tab.dataset.section] || 0;
    badge.hidden = n === 0;
    badge.textContent = n > 99 ? "99+" : String(n);
    const label = tab.querySelector(".tab-label").textContent;
    tab.setAttribute("aria-label", n ? t("shell.tabNew", { label, count: n }) : label);
  }
}
