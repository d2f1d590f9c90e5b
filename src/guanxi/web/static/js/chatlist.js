// The chat list: each chat with its last message, time and unread count.

import { avatar, clear, h, iconButton } from "./dom.js";
import { shortTime } from "./format.js";
import { convTitle, loadMoreConversations, nameOf, on, sortedConversations, state } from "./state.js";
import { createGroup } from "./groups.js";
import { pager } from "./pager.js";
import { renderInvitations } from "./invitations.js";
import { disposeAll } from "./pane.js";
import { onRoute } from "./router.js";

export function preview(message) {
  if (!message) return "";
  if (message.recalled) return "Message recalled";
  const labels = { image: "[Photo]", voice: "[Voice]", video: "[Video]", file: "[File]" };
  return labels[message.kind] ? `${labels[message.kind]} ${message.text || ""}`.trim() : message.text;
}

export function renderChatList(pane) {
  const filter = h("input.search-input", {
    type: "search",
    placeholder: "Search chats",
    attrs: { "aria-label": "Search chats" },
  });
  const list = h("ul.conv-list", { attrs: { "aria-label": "Chats" } });
  const empty = h("p.list-empty", { hidden: true }, "No chats yet. Add a friend in Contacts, or create a group.");
  const more = pager("More chats", loadMoreConversations);
  const invitations = renderInvitations();
  clear(
    pane,
    h(
      "header.pane-head",
      {},
      h("div.pane-title", {}, h("h2", {}, "Chats")),
      h(
        "div.pane-actions",
        {},
        iconButton("plus", "New group", () => createGroup()),
      ),
    ),
    h("div.list-search", {}, filter),
    invitations.el,
    empty,
    h("div.list-scroll", {}, list, more.el),
  );

  const draw = () => {
    const active = location.hash.match(/^#\/chats\/(\d+)/);
    const activeId = active ? Number(active[1]) : null;
    const needle = filter.value.trim().toLowerCase();
    const convs = sortedConversations().filter((c) => !needle || convTitle(c).toLowerCase().includes(needle));
    clear(
      list,
      convs.map((c) => item(c, c.id === activeId)),
    );
    empty.hidden = state.convs.size > 0;
    more.show(Boolean(state.convsCursor));
  };
  filter.addEventListener("input", draw);
  draw();
  return disposeAll([on("convs", draw), on("friends", draw), invitations.dispose, onRoute(draw), more.dispose]);
}

function item(conv, active) {
  const title = convTitle(conv);
  const last = conv.last_message;
  let text = preview(last);
  if (last && conv.kind === "group" && !last.recalled) text = `${nameOf(last.sender)}: ${text}`;
  const unread = conv.unread || 0;
  const label = `${title}${unread ? `, ${unread} unread` : ""}`;
  return h(
    "li",
    {},
    h(
      `a.conv-item${active ? ".active" : ""}`,
      {
        href: `#/chats/${conv.id}`,
        attrs: { "aria-label": label, "aria-current": active ? "page" : null },
        dataset: { conv: conv.id },
      },
      avatar(title, conv.kind === "group" ? `g${conv.id}` : conv.peer?.handle),
      h(
        "span.conv-main",
        {},
        h(
          "span.conv-top",
          {},
          h("span.conv-title", {}, title),
          h("time.conv-time", {}, shortTime(last ? last.created_at : conv.updated_at)),
        ),
        h(
          "span.conv-bottom",
          {},
          h("span.conv-preview", {}, text || (conv.kind === "group" ? `${conv.member_count} members` : "Say hello 👋")),
          unread ? h("span.unread", { attrs: { "aria-hidden": "true" } }, unread > 99 ? "99+" : String(unread)) : null,
        ),
      ),
    ),
  );
}
