// The frame: a rail of sections, a list pane and a detail pane; the route lives in the hash
// (#/chats/3), so a reload comes back to the same screen. On a phone one pane shows at a time.

import { clear, h, icon } from "./dom.js";
import { on, state } from "./state.js";
import { renderChatList } from "./chatlist.js";
import { renderChat } from "./chat.js";
import { renderGroupInfo } from "./groups.js";
import { renderContactList, renderContact, renderNewFriends } from "./contacts.js";
import { renderMoments } from "./moments.js";
import { renderMe } from "./me.js";
import { renderSecurity } from "./security.js";

const SECTIONS = [
  { id: "chats", label: "Chats", icon: "chat" },
  { id: "contacts", label: "Contacts", icon: "contacts" },
  { id: "moments", label: "Moments", icon: "moments" },
  { id: "me", label: "Me", icon: "me" },
];

let listPane, mainPane, current = { section: null, detail: null }, cleanup = [], listCleanup = [], app;

export function navigate(path) {
  location.hash = "#/" + path;
}

export function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const section = SECTIONS.some((s) => s.id === parts[0]) ? parts[0] : "chats";
  return { section, parts: parts.slice(1) };
}

export function showShell(root, options) {
  app = options;
  const tabs = SECTIONS.map((s) =>
    h("a.tab", { href: "#/" + s.id, dataset: { section: s.id }, attrs: { "aria-label": s.label } },
      icon(s.icon), h("span.tab-label", {}, s.label), h("span.badge", { hidden: true })));
  const status = h("div.conn-status", { attrs: { role: "status", "aria-live": "polite" } });
  listPane = h("section.list-pane", { attrs: { "aria-label": "List" } });
  mainPane = h("main.main-pane");
  const rail = h("nav.rail", { attrs: { "aria-label": "Sections" } },
    h("span.brand-mark.rail-brand", { attrs: { "aria-hidden": "true" } }, "关"), tabs);
  clear(root, h("div.shell", {}, rail, listPane, mainPane), status);
  on("status", (s) => showStatus(status, s));
  on("requests", () => updateBadges(tabs));
  on("convs", () => updateBadges(tabs));
  window.addEventListener("hashchange", route);
  route();
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

function route() {
  if (!mainPane || !mainPane.isConnected) return;
  const { section, parts } = parseRoute();
  document.querySelectorAll(".tab").forEach((t) => t.toggleAttribute("aria-current", t.dataset.section === section));
  if (section !== current.section) renderList(section);
  const detail = parts.join("/");
  current = { section, detail };
  for (const fn of cleanup) fn();
  cleanup = [];
  const wide = section === "moments" || section === "me";
  document.body.classList.toggle("wide", wide);
  document.body.classList.toggle("has-detail", parts.length > 0);
  cleanup = renderDetail(section, parts) || [];
}

function renderList(section) {
  for (const fn of listCleanup) fn();
  listCleanup = [];
  if (section === "chats") listCleanup = renderChatList(listPane);
  else if (section === "contacts") listCleanup = renderContactList(listPane);
  else clear(listPane);
}

function renderDetail(section, parts) {
  if (section === "chats" && parts[0] && parts[1] === "info") return renderGroupInfo(mainPane, Number(parts[0]));
  if (section === "chats" && parts[0]) return renderChat(mainPane, Number(parts[0]));
  if (section === "contacts" && parts[0] === "new") return renderNewFriends(mainPane);
  if (section === "contacts" && parts[0] === "u") return renderContact(mainPane, parts[1]);
  if (section === "moments") return renderMoments(mainPane, parts[0] || null);
  if (section === "me" && parts[0] === "security") return renderSecurity(mainPane, app.signOut);
  if (section === "me") return renderMe(mainPane, app.signOut);
  clear(mainPane, h("div.empty-detail", {}, h("span.brand-mark.big", { attrs: { "aria-hidden": "true" } }, "关"),
    h("p", {}, section === "contacts" ? "Choose a contact" : "Choose a chat to start messaging")));
  return [];
}

/** A pane header with a back link (shown on phones, and wherever `always`). */
export function paneHeader(title, back, actions = [], subtitle = "") {
  const backLink = back ? h("a.back", { href: "#/" + back, attrs: { "aria-label": "Back" } }, icon("back")) : null;
  return h("header.pane-head", {}, backLink,
    h("div.pane-title", {}, h("h2", {}, title), subtitle ? h("p.subtitle", {}, subtitle) : null),
    h("div.pane-actions", {}, actions));
}
