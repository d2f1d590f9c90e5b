// A group's announcement at the top of its chat, until dismissed on this device (a changed
// announcement shows again).

import { h, iconButton } from "./dom.js";
import { state } from "./state.js";
import { t } from "./i18n.js";

function key(conv) {
  return `guanxi.announcement.${state.me.handle}.${conv.id}`;
}

/** The banner element, drawn again with `draw(conv)`. */
export function announcementBanner() {
  const el = h("div.announcement-banner", { hidden: true, attrs: { role: "note" } });
  const draw = (conv) => {
    const text = conv.kind === "group" ? conv.announcement || "" : "";
    const dismissed = localStorage.getItem(key(conv)) === text;
    el.hidden = !text || dismissed;
    if (el.hidden) return el.replaceChildren();
    el.replaceChildren(
      h("strong", {}, t("group.announcement")),
      h("span.announcement-text", {}, text),
      iconButton("close", t("announcement.dismiss"), () => {
        localStorage.setItem(key(conv), text);
        el.hidden = true;
      }),
    );
  };
  return { el, draw };
}
