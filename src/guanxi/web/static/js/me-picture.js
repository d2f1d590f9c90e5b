// My profile picture in Me: change it (a file, cropped to a square here: drag or arrow keys
// to move, a slider or +/- to zoom), or remove it. The square is sent as a JPEG; the server
// strips what is left of metadata and serves a thumbnail (PUT /me/avatar).

import { call, uploadAvatar } from "./api.js";
import { avatar, clear, h, modal, toast } from "./dom.js";
import { state } from "./state.js";
import { errorText, t } from "./i18n.js";

const VIEW = 280; // the crop square on screen, in CSS pixels
const OUT = 512; // the square sent

/** The card: the picture (or initials) with "Change picture" and "Remove picture". */
export function pictureCard() {
  const card = h("section.card.stack.picture-card", { attrs: { "aria-label": t("me.picture") } });
  const draw = () => {
    const me = state.me;
    // the button opens the file chooser: the input itself is never shown (no "No file chosen")
    const input = h("input", {
      type: "file",
      accept: "image/*",
      hidden: true,
      attrs: { "aria-label": t("me.changePicture") },
    });
    input.addEventListener("change", () => input.files[0] && change(input.files[0], draw));
    clear(
      card,
      h(
        "div.profile-head",
        {},
        avatar(me.display_name, me.handle, ".large"),
        h("div", {}, h("h3", {}, me.display_name), h("p.muted", {}, `@${me.handle}`)),
      ),
      h(
        "div.inline",
        {},
        h("button.secondary", { type: "button", on: { click: () => input.click() } }, t("me.changePicture")),
        me.avatar
          ? h("button.link.danger-text", { type: "button", on: { click: () => remove(draw) } }, t("me.removePicture"))
          : null,
        input,
      ),
    );
  };
  draw();
  return card;
}

async function change(file, draw) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return toast(t("me.notAPicture"), ".error");
  }
  const square = await crop(bitmap);
  if (!square) return;
  try {
    state.me = await uploadAvatar(square);
    toast(t("me.pictureSaved"));
    draw();
  } catch (x) {
    toast(errorText(x), ".error");
  }
}

async function remove(draw) {
  try {
    state.me = await call("DELETE", "/me/avatar");
    toast(t("me.pictureRemoved"));
    draw();
  } catch (x) {
    toast(errorText(x), ".error");
  }
}

/** The crop dialog: resolves with a square JPEG Blob, or null when cancelled. */
function crop(bitmap) {
  const view = { zoom: 1, x: 0, y: 0 };
  const cover = Math.max(VIEW / bitmap.width, VIEW / bitmap.height); // the least scale that fills
  const canvas = h("canvas.crop-canvas", {
    width: VIEW * devicePixelRatio,
    height: VIEW * devicePixelRatio,
    tabIndex: 0,
    attrs: { role: "img", "aria-label": t("me.cropHint") },
  });
  const zoom = h("input", { id: "crop-zoom", type: "range", min: 1, max: 4, step: 0.05, value: 1 });
  const size = () => ({ w: bitmap.width * cover * view.zoom, h: bitmap.height * cover * view.zoom });
  const clamp = () => {
    const { w, h: ht } = size();
    view.x = Math.min(0, Math.max(VIEW - w, view.x));
    view.y = Math.min(0, Math.max(VIEW - ht, view.y));
  };
  const paint = (target, scale) => {
    const ctx = target.getContext("2d");
    const { w, h: ht } = size();
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, target.width, target.height);
    ctx.drawImage(bitmap, view.x * scale, view.y * scale, w * scale, ht * scale);
  };
  const zoomTo = (value) => {
    const before = size();
    view.zoom = Math.min(4, Math.max(1, value));
    const after = size();
    view.x -= (after.w - before.w) / 2; // zoom about the middle
    view.y -= (after.h - before.h) / 2;
    zoom.value = String(view.zoom);
    redraw();
  };
  const redraw = () => {
    clamp();
    paint(canvas, devicePixelRatio);
  };
  const { x, y } = (() => {
    const { w, h: ht } = size();
    return { x: (VIEW - w) / 2, y: (VIEW - ht) / 2 };
  })();
  Object.assign(view, { x, y });
  zoom.addEventListener("input", () => zoomTo(Number(zoom.value)));
  dragging(canvas, (dx, dy) => {
    view.x += dx;
    view.y += dy;
    redraw();
  });
  canvas.addEventListener("keydown", (e) => {
    const step = e.shiftKey ? 40 : 10;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (moves[e.key]) {
      view.x += moves[e.key][0];
      view.y += moves[e.key][1];
      redraw();
    } else if (e.key === "+" || e.key === "=") zoomTo(view.zoom + 0.25);
    else if (e.key === "-") zoomTo(view.zoom - 0.25);
    else return;
    e.preventDefault();
  });
  const done = modal(t("me.cropTitle"), (close) => {
    const use = () => {
      const out = h("canvas", { width: OUT, height: OUT });
      paint(out, OUT / VIEW);
      out.toBlob((blob) => close(blob), "image/jpeg", 0.9);
    };
    return h(
      "div.stack.crop",
      {},
      canvas,
      h("p.muted", {}, t("me.cropHint")),
      h("div.field", {}, h("label", { htmlFor: "crop-zoom" }, t("me.zoom")), zoom),
      h(
        "div.inline",
        {},
        h("button.primary", { type: "button", on: { click: use } }, t("me.usePicture")),
        h("button.secondary", { type: "button", on: { click: () => close(null) } }, t("common.cancel")),
      ),
    );
  });
  redraw();
  canvas.focus();
  return done;
}

/** Pointer drags on an element: move(dx, dy) in CSS pixels. */
function dragging(el, move) {
  let last = null;
  el.addEventListener("pointerdown", (e) => {
    last = [e.clientX, e.clientY];
    el.setPointerCapture(e.pointerId);
  });
  el.addEventListener("pointermove", (e) => {
    if (!last) return;
    move(e.clientX - last[0], e.clientY - last[1]);
    last = [e.clientX, e.clientY];
  });
  const stop = () => {
    last = null;
  };
  el.addEventListener("pointerup", stop);
  el.addEventListener("pointercancel", stop);
}
