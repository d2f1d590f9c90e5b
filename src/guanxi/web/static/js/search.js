// One search box above the chat list: chats and contacts by name (here, from what the client
// knows), messages and moments by their text (GET /search). Requests wait for a pause in the
// typing, and an answer that comes back after a newer query was typed is dropped. A hit's
// match is marked with <mark> around text nodes (never HTML); tapping a message opens the
// chat at it (#/chats/<id>/at/<seq>).

import { call } from "./api.js";
import { avatar, clear, h } from "./dom.js";
import { shortTime } from "./format.js";
import { convTitle, nameOf, on, sortedConversations, state } from "./state.js";
import { t } from "./i18n.js";

const DELAY = 250; // ms of quiet before the server is asked
const LIMIT = 20;
const MAX_LOCAL = 8; // chats and contacts shown per group

/** The text with each case-insensitive occurrence of `needle` in a <mark>: a list of nodes. */
export function marked(text, needle) {
  const out = [];
  const hay = text.toLowerCase();
  const low = needle.toLowerCase();
  let at = 0;
  if (low) {
    for (let i = hay.indexOf(low); i !== -1; i = hay.indexOf(low, at)) {
      if (i > at) out.push(document.createTextNode(text.slice(at, i)));
      out.push(h("mark", {}, text.slice(i, i + low.length)));
      at = i + low.length;
    }
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

/** searchPanel() → {el, show(query), dispose()}: the results for the box's text. */
export function searchPanel() {
  const el = h("div.search-results", { hidden: true, attrs: { role: "region", "aria-label": t("search.results") } });
  let asked = 0; // the number of the newest query: older answers are dropped
  let timer = 0;
  let shown = { query: "", found: null }; // what is on screen

  function show(raw) {
    const query = raw.trim();
    clearTimeout(timer);
    const ticket = ++asked;
    el.hidden = !query;
    shown = { query, found: null };
    if (!query) return clear(el);
    if (query.length > 100) shown.found = { messages: [], moments: [] }; // more than the server takes
    draw();
    if (shown.found) return;
    timer = setTimeout(async () => {
      let found;
      try {
        found = await call("GET", "/search", undefined, { q: query, limit: LIMIT });
      } catch {
        found = { messages: [], moments: [], failed: true };
      }
      if (ticket !== asked) return; // a newer query was typed meanwhile
      shown.found = found;
      draw();
    }, DELAY);
  }

  function draw() {
    const { query, found } = shown;
    if (!query) return;
    const local = localHits(query); // again each time: the friends and chats may load later
    const groups = [
      group(
        t("section.chats"),
        local.chats.map((c) => chatHit(c, query)),
      ),
      group(
        t("section.contacts"),
        local.contacts.map((f) => contactHit(f, query)),
      ),
    ];
    if (found) {
      groups.push(
        group(
          t("messages.label"),
          found.messages.map((m) => messageHit(m, query)),
        ),
      );
      groups.push(
        group(
          t("section.moments"),
          found.moments.map((m) => momentHit(m, query)),
        ),
      );
    }
    const filled = groups.filter(Boolean);
    let status = null;
    const said = { attrs: { role: "status" } };
    if (!found) status = h("p.search-status", said, t("search.searching"));
    else if (found.failed) status = h("p.search-status", said, t("search.failed"));
    else if (!filled.length) status = h("p.search-status.search-none", said, t("search.none", { query }));
    clear(el, filled, status);
  }

  const offs = [on("friends", draw), on("convs", draw)];
  return {
    el,
    show,
    dispose: () => {
      clearTimeout(timer);
      asked++;
      for (const off of offs) off();
    },
  };
}

function localHits(query) {
  const low = query.toLowerCase();
  const chats = sortedConversations()
    .filter((c) => convTitle(c).toLowerCase().includes(low))
    .slice(0, MAX_LOCAL);
  const contacts = [...state.friends.values()]
    .filter((f) => {
      const u = f.user;
      return [u.handle, u.display_name, f.remark].some((s) => s?.toLowerCase().includes(low));
    })
    .slice(0, MAX_LOCAL);
  return { chats, contacts };
}

function group(title, items) {
  if (!items.length) return null;
  return h(
    "section.search-group",
    { attrs: { "aria-label": title } },
    h("h3.search-head", {}, title),
    h("ul.search-list", {}, items),
  );
}

function hit(href, key, label, name, line, time = "") {
  return h(
    "li",
    {},
    h(
      "a.search-hit",
      { href },
      avatar(label, key),
      h(
        "span.search-main",
        {},
        h("span.search-top", {}, h("span.search-title", {}, name), time ? h("time.conv-time", {}, time) : null),
        line ? h("span.search-line", {}, line) : null,
      ),
    ),
  );
}

function chatHit(conv, query) {
  const title = convTitle(conv);
  const key = conv.kind === "group" ? `g${conv.id}` : conv.peer?.handle;
  return hit(`#/chats/${conv.id}`, key, title, marked(title, query));
}

function contactHit(friend, query) {
  const u = friend.user;
  const name = nameOf(u.handle);
  const href = `#/contacts/u/${encodeURIComponent(u.handle)}`;
  return hit(href, u.handle, name, marked(name, query), marked(`@${u.handle}`, query));
}

function messageHit(m, query) {
  const conv = state.convs.get(m.conversation_id);
  const title = conv ? convTitle(conv) : t("chat.label");
  const mine = m.sender === state.me.handle;
  const from = mine ? t("search.you") : conv?.kind === "direct" ? "" : t("search.from", { name: nameOf(m.sender) }); // the title says who
  const a = hit(
    `#/chats/${m.conversation_id}/at/${m.seq}`,
    conv?.kind === "group" ? `g${conv.id}` : (conv?.peer?.handle ?? m.sender), // the chat's avatar, as in the list
    title,
    title,
    [from, marked(m.snippet || "", query)],
    shortTime(m.created_at),
  );
  a.firstChild.dataset.seq = m.seq;
  return a;
}

function momentHit(moment, query) {
  const handle = moment.author.handle;
  return hit(
    `#/moments/${encodeURIComponent(handle)}`,
    handle,
    nameOf(handle),
    nameOf(handle),
    marked(moment.text || "", query),
    shortTime(moment.created_at),
  );
}

/** Ctrl+K (Cmd+K on a Mac) focuses the search box, going to Chats first if it is not shown. */
export function searchShortcut() {
  const key = (e) => {
    if (e.key.toLowerCase() !== "k" || !(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey) return;
    e.preventDefault();
    const box = document.querySelector(".search-input");
    if (box?.offsetParent) return box.select();
    window.addEventListener("hashchange", () => document.querySelector(".search-input")?.focus(), { once: true });
    location.hash = "#/chats";
  };
  document.addEventListener("keydown", key);
  return () => document.removeEventListener("keydown", key);
}
