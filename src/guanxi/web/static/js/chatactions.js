// What a member does with a chat for themselves (pin, archive, delete for me) and with its
// messages (forward, delete for me, several at once); the server keeps each per member and
// tells only their own devices.

import { call, newClientId } from "./api.js";
import { avatar, h, modal, toast } from "./dom.js";
import {
  chatOf,
  convTitle,
  emit,
  forgetConversation,
  loadConversation,
  nameOf,
  sortedConversations,
  state,
} from "./state.js";
import { errorText, t } from "./i18n.js";

const FORWARD_TARGETS_MAX = 10;

/** Pin, archive or mute a chat for myself: `change` is {pinned}, {archived} or {muted}. */
export async function setOwn(conv, change) {
  try {
    const answer = await call("PATCH", `/conversations/${conv.id}`, change);
    for (const field of Object.keys(change)) applyOwn(conv.id, field, answer[field]);
  } catch (e) {
    toast(errorText(e), ".error");
  }
}

/** A pin or archive changed, here or on another device of mine. */
export function applyOwn(id, field, value) {
  const conv = state.convs.get(id);
  if (!conv || conv[field] === value) return;
  conv[field] = value;
  emit("convs");
  emit("conv", conv);
}

/** Delete a chat for myself, after asking. */
export async function deleteChat(conv) {
  if (!confirm(t("chatActions.deleteChatConfirm", { chat: convTitle(conv) }))) return false;
  try {
    await call("DELETE", `/conversations/${conv.id}`);
    cleared(conv.id, conv.last_seq || 0);
    return true;
  } catch (e) {
    toast(errorText(e), ".error");
    return false;
  }
}

/** My history of the chat now starts after `seq`: it leaves the list until something new. */
export function cleared(id, seq) {
  const chat = chatOf(id);
  for (const s of [...chat.bySeq.keys()]) if (s <= seq) chat.bySeq.delete(s);
  emit("hidden", { conversation_id: id, seqs: null, upTo: seq });
  forgetConversation(id);
  emit("convs");
}

/** Messages deleted for me (here or on another device). The chat list shows the newest
 * message left here at once, then the server's answer: the newest one left for me (maybe
 * older than any loaded here), and the unread count without the ones deleted. */
export function hidden(id, seqs) {
  const chat = chatOf(id);
  for (const seq of seqs) chat.bySeq.delete(seq);
  const conv = state.convs.get(id);
  const last = conv?.last_message && seqs.includes(conv.last_message.seq);
  if (last) conv.last_message = [...chat.bySeq.values()].sort((a, b) => b.seq - a.seq)[0] || null;
  if (conv && (last || (conv.unread && seqs.some((seq) => seq > (conv.last_read_seq || 0)))))
    loadConversation(id).catch(() => {});
  emit("hidden", { conversation_id: id, seqs });
  emit("convs");
}

export async function deleteForMe(conv, seqs) {
  const count = seqs.length;
  if (!confirm(t("chatActions.deleteMessagesConfirm", { count }))) return false;
  try {
    const answer = await call("POST", `/conversations/${conv.id}/messages/hide`, { seqs });
    hidden(conv.id, seqs);
    return Boolean(answer);
  } catch (e) {
    toast(errorText(e), ".error");
    return false;
  }
}

/** Choose up to 10 chats and forward the messages to each. One client_id for this forward,
 * sent again when Send is pressed again after a failure: what the server did already is not
 * done twice. */
export function forward(conv, seqs) {
  const clientId = newClientId();
  return modal(t("chatActions.forwardTitle"), (close) => {
    const chats = sortedConversations().filter((c) => c.kind === "group" || c.peer);
    const boxes = chats.map((c) => {
      const box = h("input", { type: "checkbox", value: String(c.id), id: `fwd-${c.id}` });
      box.addEventListener("change", () => {
        const chosen = boxes.filter((b) => b.checked);
        if (chosen.length > FORWARD_TARGETS_MAX) {
          box.checked = false;
          toast(t("chatActions.forwardMax", { count: FORWARD_TARGETS_MAX }));
        }
      });
      return box;
    });
    const list = h(
      "div.pick-list",
      { attrs: { role: "group", "aria-label": t("chatActions.forwardTo") } },
      chats.map((c, i) =>
        h(
          "label.pick",
          { htmlFor: boxes[i].id },
          boxes[i],
          avatar(convTitle(c), c.kind === "group" ? `g${c.id}` : c.peer?.handle, ".small"),
          h("span", {}, convTitle(c)),
        ),
      ),
    );
    const form = h(
      "form.stack",
      {
        on: {
          submit: async (e) => {
            e.preventDefault();
            const to = boxes.filter((b) => b.checked).map((b) => Number(b.value));
            if (!to.length) return close(null);
            try {
              await call("POST", `/conversations/${conv.id}/forward`, { seqs, to, client_id: clientId });
              close(true);
              toast(t("chatActions.forwarded", { count: to.length }));
            } catch (err) {
              toast(errorText(err), ".error");
            }
          },
        },
      },
      list,
      h("button.primary.wide", { type: "submit" }, t("chatActions.forwardSend")),
    );
    return form;
  });
}

/** The "Forwarded" mark on a message. */
export function forwardedMark(message) {
  return message.forwarded ? h("span.forwarded-mark", {}, t("chatActions.forwardedMark")) : null;
}

/** A sender's name that opens their profile. */
export function profileLink(handle, ...children) {
  return h(
    "a.profile-link",
    {
      href: `#/contacts/u/${encodeURIComponent(handle)}`,
      attrs: { "aria-label": t("chatActions.profileOf", { name: nameOf(handle) }) },
    },
    children,
  );
}

/** Several messages chosen at once in a chat: a bar with Forward and Delete for me. */
export function selection(getConv, onChange) {
  const chosen = new Set();
  const count = h("span.select-count");
  const bar = h(
    "div.select-bar",
    { hidden: true, attrs: { role: "toolbar", "aria-label": t("chatActions.selectBar") } },
    count,
    h("button.secondary", { type: "button", on: { click: () => act("forward") } }, t("chatActions.forward")),
    h("button.danger", { type: "button", on: { click: () => act("delete") } }, t("chatActions.deleteForMe")),
    h("button.link", { type: "button", on: { click: () => stop() } }, t("common.cancel")),
  );
  const active = () => !bar.hidden;
  function draw() {
    count.textContent = t("chatActions.selected", { count: chosen.size });
    onChange(chosen);
  }
  function start(seq) {
    bar.hidden = false;
    chosen.clear();
    if (seq != null) chosen.add(seq);
    draw();
  }
  function toggle(seq) {
    if (chosen.has(seq)) chosen.delete(seq);
    else chosen.add(seq);
    draw();
  }
  function stop() {
    bar.hidden = true;
    chosen.clear();
    draw();
  }
  async function act(what) {
    const seqs = [...chosen].sort((a, b) => a - b);
    if (!seqs.length) return;
    const done = what === "forward" ? await forward(getConv(), seqs) : await deleteForMe(getConv(), seqs);
    if (done) stop();
  }
  return { bar, start, toggle, stop, active, has: (seq) => chosen.has(seq) };
}
