// Notification settings, kept on this device (localStorage, per user): desktop notifications
// on or off, a sound, "show preview" for every chat and per chat. The browser's permission is
// asked for only after a click (the switch in Me, or the chat list's offer), never on load.

import { h, toast } from "./dom.js";
import { state } from "./state.js";
import { t } from "./i18n.js";

const DEFAULTS = { enabled: true, sound: true, preview: true, hiddenPreviews: [], offerDismissed: false };

function key() {
  return `guanxi.notify.${state.me?.handle || ""}`;
}

export function notifySettings() {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(key()) || "{}") };
  } catch {
    return { ...DEFAULTS };
  }
}

export function saveNotifySettings(changes) {
  const next = { ...notifySettings(), ...changes };
  localStorage.setItem(key(), JSON.stringify(next));
  return next;
}

export const canNotify = () => "Notification" in window;
export const permission = () => (canNotify() ? Notification.permission : "denied");

/** Whether a chat's notifications show the message's text (the global switch and its own). */
export function showsPreview(convId) {
  const s = notifySettings();
  return s.preview && !s.hiddenPreviews.includes(convId);
}

export function setChatPreview(convId, shown) {
  const hidden = new Set(notifySettings().hiddenPreviews);
  if (shown) hidden.delete(convId);
  else hidden.add(convId);
  saveNotifySettings({ hiddenPreviews: [...hidden] });
}

/** Asks the browser (call it from a click); true when notifications may show. */
export async function askPermission() {
  if (!canNotify()) return false;
  if (Notification.permission === "default") await Notification.requestPermission();
  return Notification.permission === "granted";
}

function toggle(id, label, checked, onChange, hint) {
  const input = h("input", { type: "checkbox", id, checked, attrs: { role: "switch" } });
  input.addEventListener("change", () => onChange(input));
  return h("div.switch-row", {}, h("label", { htmlFor: id }, label, hint ? h("small.muted", {}, hint) : null), input);
}

/** The "Notifications" card of Me. */
export function notifyCard() {
  const s = notifySettings();
  const desktop = toggle(
    "notify-desktop",
    t("notify.desktop"),
    s.enabled && permission() === "granted",
    async (input) => {
      if (!input.checked) return saveNotifySettings({ enabled: false });
      const granted = await askPermission();
      input.checked = granted;
      saveNotifySettings({ enabled: granted });
      if (!granted) toast(t("notify.blockedToast"), ".error");
    },
    permission() === "denied" ? t("notify.blockedHint") : "",
  );
  const preview = toggle("notify-preview", t("notify.previews"), s.preview, (input) =>
    saveNotifySettings({ preview: input.checked }),
  );
  const sound = toggle("notify-sound", t("notify.sound"), s.sound, (input) =>
    saveNotifySettings({ sound: input.checked }),
  );
  return h("div.card.stack", {}, h("h3", {}, t("notify.title")), desktop, preview, sound);
}

/** A line above the chat list offering notifications while the browser has not been asked. */
export function notifyOffer() {
  if (!canNotify() || permission() !== "default" || notifySettings().offerDismissed) return null;
  const el = h(
    "div.notify-offer",
    { attrs: { role: "region", "aria-label": t("notify.title") } },
    h("span", {}, t("notify.offer")),
    h("button.link", { type: "button", on: { click: () => turnOn() } }, t("notify.turnOn")),
    h("button.link", { type: "button", on: { click: () => dismiss() } }, t("notify.notNow")),
  );
  async function turnOn() {
    saveNotifySettings({ enabled: await askPermission() });
    el.remove();
  }
  function dismiss() {
    saveNotifySettings({ offerDismissed: true });
    el.remove();
  }
  return el;
}
