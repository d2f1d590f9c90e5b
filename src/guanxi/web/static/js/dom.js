// DOM building without HTML strings: every text goes through textContent / text nodes.

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
  pause: "M7 5h4v14H7zM13 5h4v14h-4z",
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

const COLORS = ["#2f7d5b", "#3a6ea5", "#a5523a", "#7b4fa0", "#a0782a", "#2a8a8a", "#b04672", "#5a6b2f"];

export function avatar(name, key, size = "") {
  let hash = 0;
  for (const ch of key || name || "?") hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  const initial = Array.from((name || key || "?").trim())[0] || "?";
  const el = h(`span.avatar${size}`, { attrs: { "aria-hidden": "true" } }, initial.toUpperCase());
  el.style.background = COLORS[hash % COLORS.length];
  return el;
}

export function toast(text, kind = "") {
  let box = document.querySelector(".toasts");
  if (!box) {
    box = h("div.toasts", { attrs: { role: "status", "aria-live": "polite" } });
    document.body.append(box);
  }
  const item = h(`div.toast${kind}`, {}, text);
  box.append(item);
  setTimeout(() => item.remove(), 4000);
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
        iconButton("close", "Close", () => close(null)),
      ),
      build(close),
    ]);
    document.body.append(dialog);
    dialog.showModal();
  });
}
