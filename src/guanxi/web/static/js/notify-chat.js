// A chat's own notification settings, behind the bell in its header: mute (kept by the
// server for me, so every device of mine honours it) and "show preview" (this device).

import { call } from "./api.js";
import { emit, state } from "./state.js";
import { h, iconButton, modal, toast } from "./dom.js";
import { setChatPreview, showsPreview } from "./notify-settings.js";
import { errorText, t } from "./i18n.js";

/** The header button for a conversation (`conv()` gives its current value). */
export function notifyButton(conv) {
  const c = conv();
  const label = c.muted ? t("notify.chatMuted") : t("notify.chat");
  const button = iconButton(c.muted ? "bellOff" : "bell", label, () => openSettings(conv));
  button.classList.toggle("is-muted", Boolean(c.muted));
  return button;
}

function openSettings(conv) {
  modal(t("notify.chat"), () => {
    const id = conv().id;
    const mute = h("input", {
      type: "checkbox",
      id: "chat-mute",
      checked: Boolean(conv().muted),
      attrs: { role: "switch" },
    });
    const preview = h("input", {
      type: "checkbox",
      id: "chat-preview",
      checked: showsPreview(id),
      attrs: { role: "switch" },
    });
    mute.addEventListener("change", () => setMuted(id, mute));
    preview.addEventListener("change", () => setChatPreview(id, preview.checked));
    return h(
      "div.stack.modal-body",
      {},
      h(
        "div.switch-row",
        {},
        h("label", { htmlFor: "chat-mute" }, t("notify.mute"), h("small.muted", {}, t("notify.allDevices"))),
        mute,
      ),
      h("div.switch-row", {}, h("label", { htmlFor: "chat-preview" }, t("notify.previews")), preview),
    );
  });
}

async function setMuted(id, input) {
  try {
    const answer = await call("PATCH", `/conversations/${id}`, { muted: input.checked });
    applyMuted(id, answer.muted);
  } catch (e) {
    input.checked = !input.checked;
    toast(errorText(e, t("notify.muteOffline")), ".error");
  }
}

/** A mute changed (here or on another device of mine). */
export function applyMuted(id, muted) {
  const conv = state.convs.get(id);
  if (!conv || conv.muted === muted) return;
  conv.muted = muted;
  emit("convs");
  emit("conv", conv);
}
