// The chat list: each chat with its last message, time and unread count.

import { avatar, clear, h, icon, iconButton } from "./dom.js";
import { kindTag, shortTime } from "./format.js";
import { convTitle, loadMoreConversations, nameOf, on, sortedConversations, state } from "./state.js";
import { createGroup } from "./groups.js";
import { pager } from "./pager.js";
import { renderInvitations } from "./invitations.js";
import { disposeAll } from "./pane.js";
import { onRoute } from "./router.js";
import { draftOf } from "./drafts.js";
import { notifyOffer } from "./notify-settings.js";
import { searchPanel } from "./search.js";
import { t } from "./i18n.js";
import { roving } from "./roving.js";
import { systemText } from "./systemline.js";

let archivedOpen = false; // the chat list shows the archive instead of the chats

export function preview(message) {
  if (!message) return "";
  if (message.recalled) return t("chatlist.recalled");
  if (message.kind === "system") return systemText(message);
  const tagged = ["image", "voice", "video", "file"].includes(message.kind);
  const name = message.kind === "file" ? message.media?.filename : "";
  return tagged ? `${kindTag(message.kind)} ${message.text || name || ""}`.trim() : message.text;
}

export function renderChatList(pane) {
  const filter = h("input.search-input", {
    type: "search",
    placeholder: t("search.placeholder"),
    attrs: { "aria-label": t("search.label"), "aria-keyshortcuts": "Control+K Meta+K" },
  });
  const results = searchPanel();
  const list = h("ul.conv-list", { attrs: { "aria-label": t("section.chats") } });
  const empty = h("p.list-empty", { hidden: true }, t("chatlist.empty"));
  const more = pager(t("chatlist.more"), loadMoreConversations);
  const invitations = renderInvitations();
  const archive = h("button.archive-entry", {
    type: "button",
    hidden: true,
    on: {
      click: () => {
        archivedOpen = !archivedOpen;
        draw();
      },
    },
  });
  clear(
    pane,
    h(
      "header.pane-head",
      {},
      h("div.pane-title", {}, h("h2", {}, t("section.chats"))),
      h(
        "div.pane-actions",
        {},
        iconButton("plus", t("group.new"), () => createGroup()),
      ),
    ),
    h("div.list-search", {}, filter),
    notifyOffer(),
    invitations.el,
    empty,
    results.el,
    h("div.list-scroll", {}, archive, list, more.el),
  );

  const draw = () => {
    const active = location.hash.match(/^#\/chats\/(\d+)/);
    const activeId = active ? Number(active[1]) : null;
    const searching = Boolean(filter.value.trim());
    list.parentElement.hidden = searching;
    const archived = [...state.convs.values()].filter((c) => c.archived && listed(c)).length;
    if (!archived) archivedOpen = false;
    archive.hidden = !archived;
    archive.textContent = archivedOpen ? t("chatActions.backToChats") : t("chatActions.archived", { count: archived });
    archive.setAttribute("aria-expanded", String(archivedOpen));
    clear(
      list,
      sortedConversations()
        .filter((c) => listed(c) && Boolean(c.archived) === archivedOpen)
        .map((c) => item(c, c.id === activeId)),
    );
    empty.hidden = searching || archived > 0 || [...state.convs.values()].some(listed);
    more.show(Boolean(state.convsCursor));
  };
  filter.addEventListener("input", () => {
    results.show(filter.value);
    draw();
  });
  filter.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || !filter.value) return;
    e.stopPropagation();
    filter.value = "";
    results.show("");
    draw();
  });
  draw();
  return disposeAll([
    on("convs", draw),
    on("friends", draw),
    on("drafts", draw),
    invitations.dispose,
    onRoute(draw),
    roving(list, "a.conv-item", { key: (el) => el.dataset.conv }),
    more.dispose,
    results.dispose,
  ]);
}

/** A direct chat shows once something was said in it (or I left a draft): "Message" on a
 * contact opens it without an empty chat jumping to the top of the list. */
export function listed(conv) {
  return conv.kind !== "direct" || Boolean(conv.last_message) || Boolean(draftOf(conv.id));
}

function item(conv, active) {
  const title = convTitle(conv);
  const last = conv.last_message;
  let text = preview(last);
  if (last && conv.kind === "group" && !last.recalled && last.kind !== "system")
    text = t("chatlist.sender", { name: nameOf(last.sender), text });
  const unread = conv.unread || 0;
  const draft = active ? "" : draftOf(conv.id).split("\n")[0];
  // the link is named by what it shows (WCAG's label in name), the count and mute said after
  let status = unread ? t("chatlist.unread", { title: "", count: unread }) : "";
  if (conv.muted) status = t("chatlist.muted", { label: status });
  if (conv.pinned) status = t("chatActions.pinnedLabel", { label: status });
  return h(
    "li",
    {},
    h(
      `a.conv-item${active ? ".active" : ""}`,
      {
        href: `#/chats/${conv.id}`,
        attrs: { "aria-current": active ? "page" : null },
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
          conv.muted ? h("span.conv-muted", { title: t("chatlist.mutedTitle") }, icon("bellOff")) : null,
          conv.pinned ? h("span.conv-pinned", { title: t("chatActions.pinned") }, "📌") : null,
          h("time.conv-time", {}, shortTime(last ? last.created_at : conv.updated_at)),
        ),
        h(
          "span.conv-bottom",
          {},
          draft
            ? h("span.conv-preview", {}, h("span.draft-label", {}, t("chatlist.draft")), draft)
            : h(
                "span.conv-preview",
                {},
                text ||
                  (conv.kind === "group" ? t("chat.members", { count: conv.member_count }) : t("chatlist.sayHello")),
              ),
          unread
            ? h(
                `span.unread${conv.muted ? ".muted" : ""}`,
                { attrs: { "aria-hidden": "true" } },
                unread > 99 ? "99+" : String(unread),
              )
            : null,
        ),
        status ? h("span.sr-only.conv-status", {}, status) : null,
      ),
    ),
  );
}
