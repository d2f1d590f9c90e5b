// Notices of new messages while the reader looks elsewhere: the unread count in the title and
// on the tab's icon, a desktop notification (sender, and the text unless a "show preview"
// switch is off) and a short chime. A chat muted on any of my devices (`conv.muted`, kept by
// the server) gives neither notification nor sound, and its unread count only greys the icon.

import { resetUnread, showUnread } from "./notify-favicon.js";
import { notifySettings, permission, showsPreview } from "./notify-settings.js";
import { chime } from "./notify-sound.js";
import { convTitle, nameOf, on, state } from "./state.js";
import { kindTag } from "./format.js";
import { t } from "./i18n.js";

const shown = new Map(); // conversation id → its notification on screen
const waiting = new Map(); // conversation id → a message that came before its chat was loaded

/** Starts the notices for the signed-in user; returns dispose(). */
export function startNotify() {
  const offs = [on("convs", countUnread), on("arrived", arrived)];
  countUnread();
  return () => {
    for (const off of offs) off();
    for (const n of shown.values()) n.close();
    shown.clear();
    waiting.clear();
    resetUnread();
  };
}

function countUnread() {
  for (const [id, message] of waiting) {
    if (!state.convs.has(id)) continue;
    waiting.delete(id);
    arrived(message); // a new chat's first message: its chat is known now
  }
  let loud = 0;
  let quiet = 0;
  for (const conv of state.convs.values()) {
    if (conv.muted) quiet += conv.unread || 0;
    else loud += conv.unread || 0;
    if (!conv.unread && shown.has(conv.id)) {
      shown.get(conv.id).close();
      shown.delete(conv.id);
    }
  }
  showUnread(loud, quiet);
}

function looking(convId) {
  if (document.hidden || !document.hasFocus()) return false;
  const open = location.hash.match(/^#\/chats\/(\d+)$/);
  return Boolean(open) && Number(open[1]) === convId;
}

/** A message from someone else came live (not from history). */
function arrived(message) {
  const conv = state.convs.get(message.conversation_id);
  if (!conv) return waiting.set(message.conversation_id, message);
  if (conv.muted || message.kind === "system" || looking(conv.id)) return;
  const settings = notifySettings();
  if (settings.sound) chime();
  if (settings.enabled && permission() === "granted") notify(conv, message);
}

/** A notification's text: the message's, or what kind of message it is. */
function preview(message) {
  const tagged = ["image", "voice", "video", "file"].includes(message.kind);
  return tagged ? `${kindTag(message.kind)} ${message.text || ""}`.trim() : message.text || t("notify.newMessage");
}

function notify(conv, message) {
  const sender = nameOf(message.sender);
  const title = conv.kind === "group" ? `${sender} · ${convTitle(conv)}` : sender;
  const body = showsPreview(conv.id) ? preview(message) : t("notify.newMessage");
  try {
    const n = new Notification(title, { body, tag: `chat-${conv.id}`, icon: "/static/icon.svg" });
    n.addEventListener("click", () => {
      window.focus();
      location.hash = `#/chats/${conv.id}`;
      n.close();
    });
    shown.get(conv.id)?.close();
    shown.set(conv.id, n);
  } catch {
    // some browsers allow notifications only from a service worker: the title and icon remain
  }
}
