// DOM building without HTML strings: every text goes through textContent / text nodes.

import { t } from "./i18n.js";
import { avatarUrl } from "./api.js";

const SVG = "http://www.w3.org/2000/svg";

/** h("button.primary", {on: {click}, attrs: {"aria-label": "Send"}}, "Send") */
export function h(spec, props = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  applyProps(el, props);
  append(el, children);
  return el;
}

function applyProps(el, props) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "on") for (const [name, fn] of Object.entries(value)) el.addEventListener(name, fn);
    else if (key === "attrs") for (const [name, v] of Object.entries(value)) setAttr(el, name, v);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else el[key] = value;
  }
}

function setAttr(el, name, value) {
  if (value === undefined || value === null || value === false) return;
  if (name.startsWith("on")) throw new Error("no inline handlers");
  el.setAttribute(name, value === true ? "" : String(value));
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const PATHS = {
  chat: "M4 5h16v11H8l-4 4z",
  contacts: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8c0-4 3-6 7-6s7 2 7 6",
  moments: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 4v5l3 3",
  me: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 9c1-4 4-6 8-6s7 2 8 6",
  back: "M15 5l-7 7 7 7",
  next: "M9 5l7 7-7 7",
  lock: "M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4",
  send: "M4 12l16-8-6 16-3-7z",
  smile: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zM8 14c1 2 7 2 8 0M9 9.5v.5M15 9.5v.5",
  attach: "M16 7l-7 7a2 2 0 0 0 3 3l7-7a4 4 0 0 0-6-6l-7 7a6 6 0 0 0 8 8l6-6",
  mic: "M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3",
  stop: "M7 7h10v10H7z",
  more: "M5 12h.01M12 12h.01M19 12h.01",
  plus: "M12 5v14M5 12h14",
  close: "M6 6l12 12M18 6L6 18",
  info: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 8v5m0-8v.01",
  heart: "M12 20s-7-4.5-7-10a4 4 0 0 1 7-2.5A4 4 0 0 1 19 10c0 5.5-7 10-7 10z",
  comment: "M4 5h16v11H9l-5 4z",
  search: "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zm5 12l4 4",
  file: "M6 3h8l4 4v14H6zM14 3v4h4",
  camera: "M4 7h4l2-3h4l2 3h4v12H4zM12 10a3 3 0 1 0 0 6 3 3 0 0 0 0-6z",
  play: "M8 5v14l11-7z",
  bell: "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0",
  bellOff: "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0M3 3l18 18",
  pause: "M7 5h4v14H7zM13 5h4v14h-4z",
  group:
    "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm-6 9c0-3.5 2.5-5.5 6-5.5s6 2 6 5.5M16 4.5a3 3 0 0 1 0 6M18 14.5c2 .6 3 2.3 3 5.5",
};

export function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", PATHS[name] || PATHS.more);
  svg.append(path);
  return svg;
}

/** A button showing an icon, labelled for screen readers. */
export function iconButton(name, label, onClick, extra = "") {
  return h(
    `button.icon-btn${extra}`,
    { type: "button", title: label, attrs: { "aria-label": label }, on: { click: onClick } },
    icon(name),
  );
}

// white initials on each at least 4.5:1 (WCAG AA)
const COLORS = ["#2f7d5b", "#3a6ea5", "#a5523a", "#7b4fa0", "#8a6520", "#227575", "#b04672", "#5a6b2f"];

/** The colour of someone's avatar, from their handle (the same everywhere). */
export function colourOf(key) {
  let hash = 0;
  for (const ch of key || "?") hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return COLORS[hash % COLORS.length];
}

/** Someone's picture (User.avatar) when they have one, else their initial on their colour;
 * a group (key `g<id>`) named by one character, or by a sign or emoji, gets the group glyph
 * (its one character would read as a person's initial). A name that starts with a stroke such
 * as 一 takes its next character: a lone 一 reads as a dash. */
export function avatar(name, key, size = "") {
  const chars = Array.from((name || key || "?").trim());
  const group = /^g\d+$/.test(key || "");
  const glyph = group && (chars.length <= 1 || !/\p{L}/u.test(chars[0] || ""));
  const el = h(`span.avatar${size}`, { attrs: { "aria-hidden": "true" } }, glyph ? icon("group") : initial(chars));
  el.style.background = colourOf(key || name);
  const version = group ? null : pictureOf(key);
  if (version)
    avatarUrl(key, version).then(
      (url) => {
        el.replaceChildren(h("img.avatar-img", { src: url, alt: "" }));
        el.classList.add("has-picture");
      },
      () => {}, // not mine to see, or gone: the initial stays
    );
  return el;
}

const STROKES = new Set(["一", "丨", "丶", "丿", "乙", "亅", "乚", "〇"]); // read as a dash or a mark

function initial(chars) {
  const first = chars.find((c) => !STROKES.has(c)) || chars[0]; // 一家人 → 家
  return (first || "?").toUpperCase();
}

/** The picture version the client knows for a handle (mine, or a user it has met): state.js
 * gives the lookup (it imports this module, so this one cannot import it). */
let pictureOf = () => null;

export function setPictureLookup(lookup) {
  pictureOf = (handle) => (handle ? lookup(handle) : null);
}

export function toast(text, kind = "") {
  let box = document.querySelector(".toasts");
  if (!box) {
    box = h("div.toasts", { attrs: { role: "status", "aria-live": "polite" } });
    document.body.append(box);
  }
  const item = h(`div.toast${kind}`, {}, text);
  box.append(item);
  const top = underTheHeads(box);
  box.style.top = top ? `${top}px` : ""; // else under the headers' height (CSS)
  setTimeout(() => item.remove(), 4000);
}

/** Where notes start: under every header, search row and unread button they would cover (a phone's chat
 *  list has its search box under the header); 0 when none is in their way. */
function underTheHeads(box) {
  const notes = box.getBoundingClientRect();
  let top = 0;
  for (const head of document.querySelectorAll(".pane-head, .list-search, .jump-unread")) {
    const r = head.getBoundingClientRect();
    const across = r.left < notes.right && r.right > notes.left;
    if (across && r.height && r.top < window.innerHeight / 3) top = Math.max(top, r.bottom + 12);
  }
  return top;
}

/** A modal dialog built from DOM nodes; resolves with the value passed to close(). */
export function modal(title, build) {
  return new Promise((resolve) => {
    const dialog = h("dialog.modal", { attrs: { "aria-label": title } });
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.addEventListener("cancel", (e) => {
      e.preventDefault();
      close(null);
    });
    append(dialog, [
      h(
        "header.modal-head",
        {},
        h("h2", {}, title),
        iconButton("close", t("common.close"), () => close(null)),
      ),
      build(close),
    ]);
    document.body.append(dialog);
    dialog.showModal();
  });
}
