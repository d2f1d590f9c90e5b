// @mentions in a group's composer: typing "@" and part of a handle or name lists the members
// that fit; arrows move, Enter or Tab picks, Escape closes.

import { h } from "./dom.js";
import { nameOf, state } from "./state.js";
import { t } from "./i18n.js";

/** mentionList(input, conv, picked) → {el, suggest(), key(event) → handled} */
export function mentionList(input, conv, picked) {
  const el = h("ul.mention-list", { hidden: true, attrs: { role: "listbox", "aria-label": t("mention.label") } });

  function suggest() {
    const before = input.value.slice(0, input.selectionStart ?? 0);
    const match = conv.kind === "group" && before.match(/@([a-z0-9_.]*)$/);
    const people = match
      ? (conv.members || [])
          .map((m) => m.user)
          .filter(
            (u) =>
              u.handle !== state.me.handle &&
              (u.handle.includes(match[1]) || u.display_name.toLowerCase().includes(match[1])),
          )
          .slice(0, 6)
      : [];
    el.hidden = people.length === 0;
    el.replaceChildren(
      ...people.map((u, i) =>
        h(
          `li.mention-option${i === 0 ? ".active" : ""}`,
          {
            attrs: { role: "option", "aria-selected": i === 0 ? "true" : "false" },
            dataset: { handle: u.handle },
            on: {
              pointerdown: (e) => {
                e.preventDefault();
                pick(u.handle);
              },
            },
          },
          h("strong", {}, nameOf(u.handle)),
          h("span", {}, ` @${u.handle}`),
        ),
      ),
    );
  }

  function pick(handle) {
    const pos = input.selectionStart ?? input.value.length;
    const start = input.value.slice(0, pos).lastIndexOf("@");
    input.setRangeText(`@${handle} `, start, pos, "end");
    el.hidden = true;
    input.focus();
    picked();
  }

  function key(e) {
    if (el.hidden) return false;
    const options = [...el.children];
    const at = options.findIndex((o) => o.classList.contains("active"));
    if (e.key === "Enter" || e.key === "Tab") {
      pick(options[at].dataset.handle);
      return true;
    }
    if (e.key === "Escape") {
      el.hidden = true;
      return true;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return false;
    const next = (at + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
    options.forEach((o, i) => {
      o.classList.toggle("active", i === next);
      o.setAttribute("aria-selected", String(i === next));
    });
    return true;
  }

  return { el, suggest, key };
}
