// What screens share: a pane's header with its back link, the empty detail pane, a card of
// figures, and a dispose() made of several (the screen contract is in router.js).

import { clear, h, icon } from "./dom.js";
import { t } from "./i18n.js";

/** A pane header with a back link (shown on phones, and wherever `always`). */
export function paneHeader(title, back, actions = [], subtitle = "") {
  const backLink = back
    ? h("a.back", { href: `#/${back}`, attrs: { "aria-label": t("common.back") } }, icon("back"))
    : null;
  return h(
    "header.pane-head",
    {},
    backLink,
    h("div.pane-title", {}, h("h2", {}, title), subtitle ? h("p.subtitle", {}, subtitle) : null),
    h("div.pane-actions", {}, actions),
  );
}

/** A screen showing only the brand mark and a hint (`hint()` gives it: "Choose a chat…"). */
export function emptyDetail(hint) {
  return (pane) => {
    clear(
      pane,
      h(
        "div.empty-detail",
        {},
        h("span.brand-mark.big", { attrs: { "aria-hidden": "true" } }, "关"),
        h("p", {}, hint()),
      ),
    );
    return () => {};
  };
}

/** One dispose() that calls each of `disposers` (unsubscribe functions, other disposes). */
export function disposeAll(disposers) {
  return () => {
    for (const dispose of disposers) dispose();
  };
}

/** A card of figures: a title, label–value rows, and whatever goes under them. */
export function statCard(title, rows, extra = null) {
  return h(
    "section.card.stat-card",
    {},
    h("h3", {}, title),
    h(
      "dl.stat-rows",
      {},
      rows.map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, value))),
    ),
    extra,
  );
}
