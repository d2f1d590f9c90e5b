// A small emoji picker: a grid of common emoji in a popover.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const GROUPS = {
  smileys:
    "😀 😃 😄 😁 😆 😅 😂 🤣 😊 😇 🙂 😉 😌 😍 🥰 😘 😋 😛 😜 🤪 🤔 🤗 🤭 🤫 😐 😑 😶 😏 😒 🙄 😬 😴 😷 🤒 🥳 😎 🤓 😕 😟 😮 😲 😳 🥺 😢 😭 😱 😤 😡 🤯",
  gestures: "👍 👎 👌 ✌️ 🤞 🤝 🙏 👏 🙌 👋 💪 🫶 👀 🤷 🙋 🙇",
  hearts: "❤️ 🧡 💛 💚 💙 💜 🖤 🤍 💔 💕 💖 ✨ 🔥 🎉 🎂 🎁",
  things: "☕ 🍵 🍜 🍚 🥟 🍰 🍎 🍉 🌸 🌙 ☀️ 🌧️ ⚽ 🏸 🎵 📷 📚 💼 🚗 ✈️ 🏠 🧧 🐼 🐱 🐶",
};

let open = null;

export function closeEmojiPicker() {
  if (open) open.remove();
  open = null;
}

/** Opens the picker above `anchor`; `pick(emoji)` is called with the chosen one. */
export function openEmojiPicker(anchor, pick) {
  if (open) return closeEmojiPicker();
  const panel = h(
    "div.emoji-picker",
    { attrs: { role: "dialog", "aria-label": t("emoji.label") } },
    Object.entries(GROUPS).map(([name, list]) =>
      h(
        "section",
        {},
        h("h3", {}, t(`emojiGroup.${name}`)),
        h(
          "div.emoji-grid",
          {},
          list
            .split(" ")
            .map((emoji) =>
              h(
                "button.emoji",
                { type: "button", attrs: { "aria-label": emoji }, on: { click: () => pick(emoji) } },
                emoji,
              ),
            ),
        ),
      ),
    ),
  );
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      closeEmojiPicker();
      anchor.focus();
    }
  });
  anchor.parentElement.append(panel);
  open = panel;
  panel.querySelector("button").focus();
}

document.addEventListener("pointerdown", (e) => {
  if (open && !open.contains(e.target) && !e.target.closest(".emoji-toggle")) closeEmojiPicker();
});
