// What screens share: a pane's header with its back link, the empty detail pane, and a
// dispose() made of several (the screen contract is in router.js).

import { clear, h, icon } from "./dom.js";

/** A pane header with a back link (shown on phones, and wherever `always`). */
export function paneHeader(title, back, actions = [], subtitle = "") {
  const backLink = back ? h("a.back", { href: `#/${back}`, attrs: { "aria-label": "Back" } }, icon("back")) : null;
  return h(
    "header.pane-head",
    {},
    backLink,
    h("div.pane-title", {}, h("h2", {}, title), subtitle ? h("p.subtitle", {}, subtitle) : null),
    h("div.pane-actions", {}, actions),
  );
}

/** A screen showing only the brand mark and a hint ("Choose a chat…"). */
export function emptyDetail(hint) {
  return (pane) => {
    clear(
      pane,
      h("div.empty-detail", {}, h("span.brand-mark.big", { attrs: { "aria-hidden": "true" } }, "关"), h("p", {}, hint)),
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
