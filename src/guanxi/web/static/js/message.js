// One message as a DOM element, and its actions (reply, react, edit, recall, copy).

import { call } from "./api.js";
import { avatar, h, icon, toast } from "./dom.js";
import { clockTime, dayKey, dayLabel, kindTag } from "./format.js";
import { renderMedia } from "./media.js";
import { handleHint, nameOf, state } from "./state.js";
import { errorText, t } from "./i18n.js";
import { deleteForMe, forward, forwardedMark, profileLink } from "./chatactions.js";
import { systemText } from "./systemline.js";
import { closeEmojiPicker, openEmojiPicker } from "./emoji.js";
import { menuKeys } from "./roving.js";

export const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];
const RECALL_MS = 2 * 60 * 1000;
const TOKEN = /(@[a-z0-9_.]{3,32}|https?:\/\/[^\s<>"]+)/g;

/** Text with @mentions and links marked, built from text nodes only. */
export function richText(text, mentions = []) {
  const out = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    out.push(text.slice(last, match.index));
    out.push(token(match[0], mentions));
    last = match.index + match[0].length;
  }
  out.push(text.slice(last));
  return out.filter((part) => part !== "");
}

function token(word, mentions) {
  if (word.startsWith("@")) {
    const handle = word.slice(1);
    const me = state.me && handle === state.me.handle;
    return mentions.includes(handle) ? h(`span.mention${me ? ".me" : ""}`, {}, word) : word;
  }
  try {
    const url = new URL(word);
    if (url.protocol !== "http:" && url.protocol !== "https:") return word;
    return h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer" }, word);
  } catch {
    return word;
  }
}

export function buildRow(message, conv, ctx) {
  const mine = message.sender === state.me.handle;
  const row = h(`div.msg-row${mine ? ".mine" : ""}`, {
    dataset: { seq: message.seq, day: dayKey(message.created_at), sender: message.sender, time: message.created_at },
  });
  if (message.kind === "system") {
    // a group's line ("Mei added Lei"), or an entry an import brought: nobody's message
    row.classList.add("system");
    row.append(h("div.sys-line", {}, systemText(message)));
    return row;
  }
  if (message.recalled) {
    row.classList.add("system");
    row.append(
      h("div.sys-line", {}, mine ? t("message.youRecalled") : t("message.recalled", { name: nameOf(message.sender) })),
    );
    return row;
  }
  const bubble = h(`div.bubble.kind-${message.kind}`, {
    tabIndex: -1, // the list's roving tab index (roving.js) gives one message the tab stop
    attrs: { "aria-label": t("message.label", { name: nameOf(message.sender), time: clockTime(message.created_at) }) },
  });
  const mark = forwardedMark(message);
  if (mark) bubble.append(mark);
  if (message.reply_to) bubble.append(quote(message.reply_to));
  bubble.append(content(message, ctx));
  bubble.append(
    h(
      "span.meta",
      {},
      message.edited ? h("span.edited", {}, t("message.edited")) : null,
      h("time", { dateTime: message.created_at }, clockTime(message.created_at)),
      mine ? h("span.receipt", { dataset: { receipt: "" } }) : null,
    ),
  );
  bubble.addEventListener("keydown", (e) => {
    if (e.target === bubble && (e.key === "Enter" || e.key === "ContextMenu")) {
      e.preventDefault();
      openMenu(bubble, message, conv, ctx); // Esc gives the focus back to the message
    }
  });
  bubble.addEventListener("contextmenu", (e) => {
    e.preventDefault();
    openMenu(more, message, conv, ctx);
  });
  if (ctx.selection?.has(message.seq)) row.classList.add("selected");
  row.addEventListener(
    "click",
    (e) => {
      if (!ctx.selection?.active()) return;
      e.preventDefault();
      e.stopPropagation();
      ctx.selection.toggle(message.seq);
    },
    true,
  );
  const more = h(
    "button.msg-more",
    {
      type: "button",
      tabIndex: -1, // the keyboard opens the same menu with Enter on the message
      attrs: { "aria-label": t("message.actions"), "aria-haspopup": "menu" },
      on: { click: () => openMenu(more, message, conv, ctx) },
    },
    icon("more"),
  );
  const showName = conv.kind === "group" && !mine;
  const body = h(
    "div.msg-body",
    {},
    showName
      ? h("span.sender", {}, profileLink(message.sender, nameOf(message.sender), handleHint(message.sender)))
      : null,
    h("div.bubble-line", {}, bubble, more),
    reactions(message, conv),
  );
  row.append(
    h(
      "div.msg",
      {},
      !mine && conv.kind === "group"
        ? profileLink(message.sender, avatar(nameOf(message.sender), message.sender, ".small"))
        : null,
      body,
    ),
  );
  return row;
}

function quote(reply) {
  const text = reply.recalled
    ? t("message.quoteRecalled")
    : reply.text || (reply.kind === "text" ? t("message.quoteHidden") : kindTag(reply.kind));
  return h(
    "div.quote",
    { dataset: { seq: reply.seq } },
    h("span.quote-name", {}, nameOf(reply.sender), handleHint(reply.sender)),
    h("span.quote-text", {}, text),
  );
}

function content(message, ctx) {
  const parts = [];
  if (message.media) parts.push(renderMedia(message.media, ctx.mediaCache));
  if (message.text)
    parts.push(
      h(`span.text${message.kind === "emoji" ? ".big-emoji" : ""}`, {}, richText(message.text, message.mentions)),
    );
  return h("div.content", {}, parts);
}

function reactions(message, conv) {
  if (!message.reactions || message.reactions.length === 0) return null;
  return h(
    "div.reactions",
    {},
    message.reactions.map((r) => {
      const mine = r.handles.includes(state.me.handle);
      const who = r.handles.map(nameOf).join(t("common.listSeparator"));
      return h(
        `button.reaction${mine ? ".mine" : ""}`,
        {
          type: "button",
          title: who,
          tabIndex: -1, // the keyboard reacts through the message's menu (Enter on the message)
          attrs: {
            "aria-pressed": mine ? "true" : "false",
            "aria-label": t("message.reactionLabel", { emoji: r.emoji, count: r.count, who }),
          },
          on: { click: () => react(conv.id, message.seq, r.emoji, !mine) },
        },
        h("span", {}, r.emoji),
        h("span.count", {}, String(r.count)),
      );
    }),
  );
}

export async function react(convId, seq, emoji, add) {
  try {
    await call(
      add ? "PUT" : "DELETE",
      `/conversations/${convId}/messages/${seq}/reactions/${encodeURIComponent(emoji)}`,
    );
  } catch (e) {
    toast(errorText(e, t("message.reactOffline")), ".error");
  }
}

/** Day separator and sender runs, recomputed for a row from its neighbour. */
export function relink(row) {
  if (!row?.dataset.day) return;
  const prev = row.previousElementSibling;
  const needSep = !prev || prev.dataset.day !== row.dataset.day;
  let sep = row.querySelector(":scope > .day-sep");
  if (needSep && !sep) {
    sep = h("div.day-sep", { attrs: { role: "separator" } }, h("span", {}, dayLabel(row.dataset.time)));
    row.prepend(sep);
  } else if (!needSep && sep) sep.remove();
  const close =
    prev &&
    !needSep &&
    prev.dataset.sender === row.dataset.sender &&
    new Date(row.dataset.time) - new Date(prev.dataset.time) < 5 * 60 * 1000;
  row.classList.toggle("continued", Boolean(close));
}

let openedMenu = null;

export function closeMenu() {
  if (openedMenu) openedMenu.remove();
  openedMenu = null;
}

function openMenu(anchor, message, conv, ctx) {
  closeMenu();
  const mine = message.sender === state.me.handle;
  const item = menuItem;
  const items = [
    h(
      "div.menu-reactions",
      {},
      QUICK_REACTIONS.map((emoji) => {
        const had = (message.reactions || []).some((r) => r.emoji === emoji && r.handles.includes(state.me.handle));
        return h(
          "button.menu-emoji",
          {
            type: "button",
            attrs: { role: "menuitem", "aria-label": t("message.react", { emoji }) },
            on: {
              click: () => {
                closeMenu();
                react(conv.id, message.seq, emoji, !had);
              },
            },
          },
          emoji,
        );
      }),
      h(
        "button.menu-emoji.more-emoji",
        {
          type: "button",
          attrs: { role: "menuitem", "aria-label": t("chatActions.moreReactions") },
          on: {
            click: () => {
              closeMenu();
              openEmojiPicker(anchor, (emoji) => {
                closeEmojiPicker();
                react(conv.id, message.seq, emoji, true);
              });
            },
          },
        },
        "+",
      ),
    ),
    item(t("message.reply"), () => ctx.reply(message)),
    message.text ? item(t("message.copy"), () => navigator.clipboard?.writeText(message.text)) : null,
    mine && message.kind === "text" ? item(t("message.edit"), () => ctx.edit(message)) : null,
    mine && Date.now() - new Date(message.created_at) < RECALL_MS
      ? item(t("message.recall"), () => recall(conv.id, message.seq))
      : null,
    item(t("chatActions.forward"), () => forward(conv, [message.seq])),
    item(t("chatActions.deleteForMe"), () => deleteForMe(conv, [message.seq])),
    ctx.selection ? item(t("chatActions.select"), () => ctx.selection.start(message.seq)) : null,
  ];
  showMenu(anchor, items, t("message.actions"));
}

/** An entry of a menu: closes the menu, then does `fn`. */
export function menuItem(label, fn) {
  return h(
    "button.menu-item",
    {
      type: "button",
      attrs: { role: "menuitem" },
      on: {
        click: () => {
          closeMenu();
          fn();
        },
      },
    },
    label,
  );
}

/** A menu of `items` beside `anchor`; Escape or a tap elsewhere closes it. */
export function showMenu(anchor, items, label) {
  closeMenu();
  const menu = h("div.msg-menu", { attrs: { role: "menu", "aria-label": label } }, items);
  menuKeys(menu, anchor, closeMenu);
  document.body.append(menu);
  const box = anchor.getBoundingClientRect();
  const left = Math.min(Math.max(8, box.left - 120), window.innerWidth - menu.offsetWidth - 8);
  const top =
    box.bottom + menu.offsetHeight + 8 > window.innerHeight ? box.top - menu.offsetHeight - 4 : box.bottom + 4;
  menu.style.left = `${left}px`;
  menu.style.top = `${Math.max(8, top)}px`;
  openedMenu = menu;
  menu.querySelector("button").focus();
}

document.addEventListener("pointerdown", (e) => {
  if (openedMenu && !openedMenu.contains(e.target)) closeMenu();
});

async function recall(convId, seq) {
  try {
    await call("POST", `/conversations/${convId}/messages/${seq}/recall`);
  } catch (e) {
    toast(errorText(e, t("message.recallOffline")), ".error");
  }
}

export function pendingRow(item) {
  const label =
    item.status === "failed" ? item.error : item.status === "waiting" ? t("message.waiting") : t("message.sending");
  const body = item.body;
  const text = body.text || (body.kind ? kindTag(body.kind) : "");
  return h(
    `div.msg-row.mine.pending.${item.status}`,
    { dataset: { client: item.client_id } },
    h(
      "div.msg",
      {},
      h(
        "div.msg-body",
        {},
        h(
          "div.bubble-line",
          {},
          h(
            "div.bubble",
            {},
            h("div.content", {}, h("span.text", {}, text)),
            h("span.meta", {}, h("span.state", {}, label)),
          ),
        ),
      ),
    ),
  );
}
