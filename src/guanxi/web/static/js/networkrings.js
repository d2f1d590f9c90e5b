// The circles of "My network" as concentric rings: me in the middle, each circle a ring with
// the people who are in it (and not in a circle inside it). SVG made with DOM methods; every
// name is a text node.

import { colourOf } from "./dom.js";
import { t } from "./i18n.js";
import { circleName } from "./networkparts.js";

const NS = "http://www.w3.org/2000/svg";
const SIZE = 420;
const CENTER = SIZE / 2;
const INNER = 38; // my own disc
const OUTER = 204;
const NODE = 12; // a person's disc radius
// A person's disc sits a little above the middle of their ring and their name under it, so
// that both stay inside the ring wherever on it they are (the ring is 41.5 wide with four
// circles): a name hanging over the next ring out read as being in that circle.
const LIFT = 6;
const NAME_DROP = 17; // the name's baseline under the middle of the ring
const FILLS = 5; // classes ring-0 (the core) … ring-4: the theme gives their colours (app.css)

export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

function initial(name) {
  return (Array.from(name.trim())[0] || "?").toUpperCase();
}

/** Short enough to sit under a disc: four characters of a Chinese name, the first word (at
 * most eight letters) of a Latin one. */
function shortName(name) {
  const wide = Array.from(name).some((c) => c.codePointAt(0) > 0x2e80);
  const chars = Array.from(wide ? name : name.split(/\s+/)[0]);
  const max = wide ? 4 : 8;
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : chars.join("");
}

/** Each ring's own people: circles are cumulative, so a ring shows those new in it. */
export function layers(circles) {
  const seen = new Set();
  return circles.map((circle) => {
    const own = circle.handles.filter((handle) => !seen.has(handle));
    for (const handle of own) seen.add(handle);
    return { ...circle, own };
  });
}

/**
 * rings(circles, me, nameOf, href) → an <svg> with a ring per circle, innermost first.
 * `nameOf(handle)` gives the name shown; `href(handle)` the link of a person's disc.
 */
export function rings(circles, me, nameOf, href) {
  const parts = layers(circles);
  const band = (OUTER - INNER) / Math.max(parts.length, 1);
  const root = svg("svg", {
    viewBox: `0 0 ${SIZE} ${SIZE}`,
    class: "network-rings",
    role: "group", // it holds links (an image may not)
    "aria-label": t("network.ringsLabel", {
      circles: parts.map((p) => `${circleName(p.name)} ${p.size}`).join(t("common.listSeparator")),
    }),
  });
  for (let i = parts.length - 1; i >= 0; i--) {
    const r = INNER + band * (i + 1);
    root.append(svg("circle", { cx: CENTER, cy: CENTER, r, class: `ring ring-${Math.min(i, FILLS - 1)}` }));
  }
  parts.forEach((part, i) => {
    root.append(ringLabel(part, INNER + band * (i + 1)));
  });
  root.append(meDisc(me));
  parts.forEach((part, i) => {
    root.append(people(part.own, INNER + band * (i + 0.5), i, nameOf, href));
  });
  return root;
}

function ringLabel(part, r) {
  return svg(
    "text",
    { x: CENTER, y: CENTER - r + 11, class: "ring-label", "text-anchor": "middle" },
    `${circleName(part.name)} · ${part.size}`,
  );
}

function meDisc(me) {
  return svg(
    "g",
    { class: "ring-me" },
    svg("circle", { cx: CENTER, cy: CENTER, r: INNER - 8, fill: colourOf(me.handle) }),
    svg("text", { x: CENTER, y: CENTER + 6, "text-anchor": "middle", class: "ring-me-initial" }, initial(me.name)),
  );
}

function people(handles, r, index, nameOf, href) {
  const group = svg("g", { class: "ring-people" });
  // the top of each ring holds its label: people sit around the rest of it
  const gap = Math.min(Math.PI / 3, Math.asin(Math.min(1, 58 / r)) + 0.1);
  const span = 2 * Math.PI - 2 * gap;
  const room = Math.max(1, Math.floor((span * r) / (NODE * 3.6)));
  const shown = handles.length > room ? handles.slice(0, room - 1) : handles;
  const slots = shown.length + (handles.length > shown.length ? 1 : 0);
  const at = (n) => {
    const phase = (0.3 + index * 0.618) % 1; // each ring turned a little: neighbours do not line up
    const angle = -Math.PI / 2 + gap + (span * (n + phase)) / slots;
    return [CENTER + r * Math.cos(angle), CENTER + r * Math.sin(angle)];
  };
  shown.forEach((handle, n) => {
    group.append(person(handle, ...at(n), nameOf, href));
  });
  if (slots > shown.length) {
    const [x, y] = at(shown.length);
    group.append(
      svg("text", { x, y: y + 4, "text-anchor": "middle", class: "ring-more" }, `+${handles.length - shown.length}`),
    );
  }
  return group;
}

function person(handle, x, y, nameOf, href) {
  const name = nameOf(handle);
  const link = svg("a", { href: href(handle), class: "ring-person", "data-handle": handle });
  link.append(
    svg("title", {}, name),
    svg("circle", { cx: x, cy: y - LIFT, r: NODE, fill: colourOf(handle) }),
    svg("text", { x, y: y - LIFT + 4, "text-anchor": "middle", class: "ring-initial" }, initial(name)),
    svg("text", { x, y: y + NAME_DROP, "text-anchor": "middle", class: "ring-name" }, shortName(name)),
  );
  return link;
}
