// Photos, voice, video and files: fetched with the Authorization header into blob: URLs.

import { mediaUrl } from "./api.js";
import { h, icon, modal } from "./dom.js";
import { duration, fileSize } from "./format.js";
import { t } from "./i18n.js";

/** The element showing a media reference; `cache` keeps it across re-renders of a message. */
export function renderMedia(ref, cache) {
  if (cache?.has(ref.id)) return cache.get(ref.id);
  const el = { image: photo, voice, video, file }[ref.kind] || file;
  const node = el(ref);
  if (cache) cache.set(ref.id, node);
  return node;
}

export function photo(ref, variant = "thumbnail") {
  const img = h("img.photo", { alt: t("media.photo"), attrs: { loading: "lazy" } });
  if (ref.width && ref.height) {
    const scale = Math.min(1, 240 / Math.max(ref.width, ref.height));
    img.width = Math.max(60, Math.round(ref.width * scale));
    img.height = Math.max(60, Math.round(ref.height * scale));
  }
  mediaUrl(ref.id, variant).then(
    (url) => {
      img.src = url;
    },
    () => {
      img.alt = t("media.photoFailed");
    },
  );
  const button = h(
    "button.photo-btn",
    {
      type: "button",
      dataset: { media: ref.id },
      attrs: { "aria-label": t("media.openPhoto") },
      on: { click: () => openPhoto(ref, button) },
    },
    img,
  );
  button.mediaRef = ref;
  return button;
}

/** The photo large, zoomed by a tap; with next and previous through the photos of the list
 *  it was opened from (a chat's loaded messages), by buttons or the arrow keys. */
export function openPhoto(ref, from = null) {
  const list = from?.closest(".messages") ? [...from.closest(".messages").querySelectorAll(".photo-btn")] : [];
  const refs = list.map((b) => b.mediaRef).filter(Boolean);
  let at = Math.max(
    0,
    refs.findIndex((r) => r.id === ref.id),
  );
  if (!refs.length) refs.push(ref);
  modal(t("media.photo"), () => {
    const img = h("img.lightbox-img", { alt: t("media.photo") });
    const frame = h("div.lightbox", {}, img);
    const count = h("span.viewer-count");
    const show = () => {
      img.removeAttribute("src");
      frame.classList.remove("zoomed");
      count.textContent = refs.length > 1 ? `${at + 1} / ${refs.length}` : "";
      const shown = refs[at];
      mediaUrl(shown.id, "preview")
        .catch(() => mediaUrl(shown.id))
        .then((url) => {
          if (refs[at] === shown) img.src = url;
        });
    };
    const step = (by) => {
      at = (at + by + refs.length) % refs.length;
      show();
    };
    img.addEventListener("click", () => frame.classList.toggle("zoomed"));
    const nav = (name, label, by) =>
      h("button.secondary", { type: "button", attrs: { "aria-label": label }, on: { click: () => step(by) } }, name);
    const controls =
      refs.length > 1
        ? h("div.viewer-nav", {}, nav("‹", t("media.previousPhoto"), -1), count, nav("›", t("media.nextPhoto"), 1))
        : null;
    const box = h("div.viewer", {}, frame, controls);
    setTimeout(() =>
      box.closest("dialog")?.addEventListener("keydown", (e) => {
        if (e.key === "ArrowLeft" && refs.length > 1) step(-1);
        if (e.key === "ArrowRight" && refs.length > 1) step(1);
      }),
    );
    show();
    return box;
  });
}

function voice(ref) {
  const audio = h("audio.voice-audio", { preload: "metadata" });
  const label = h("span.voice-duration", {}, duration(ref.duration) || "0:00");
  const bar = h("span.voice-bar", {}, h("span.voice-fill"));
  const button = h(
    "button.voice-play",
    { type: "button", attrs: { "aria-label": t("media.playVoice", { duration: duration(ref.duration) }) } },
    icon("play"),
  );
  const ready = mediaUrl(ref.id).then((url) => {
    audio.src = url;
  });
  button.addEventListener("click", async () => {
    await ready;
    if (audio.paused) audio.play().catch(() => {});
    else audio.pause();
  });
  audio.addEventListener("loadedmetadata", () => {
    if (Number.isFinite(audio.duration)) label.textContent = duration(audio.duration);
  });
  audio.addEventListener("play", () => button.replaceChildren(icon("pause")));
  audio.addEventListener("pause", () => button.replaceChildren(icon("play")));
  audio.addEventListener("ended", () => {
    bar.firstChild.style.width = "0";
  });
  audio.addEventListener("timeupdate", () => {
    if (audio.duration) bar.firstChild.style.width = `${(100 * audio.currentTime) / audio.duration}%`;
  });
  return h("div.voice", {}, button, bar, label, audio);
}

function video(ref) {
  const el = h("video.video", { controls: true, preload: "metadata", attrs: { "aria-label": t("media.video") } });
  mediaUrl(ref.id).then(
    (url) => {
      el.src = url;
    },
    () => {},
  );
  mediaUrl(ref.id, "preview").then(
    (url) => el.setAttribute("poster", url),
    () => {},
  );
  return el;
}

function file(ref) {
  const name = ref.filename || t("media.file");
  const link = h(
    "a.file",
    { href: "#", attrs: { "aria-label": t("media.download", { name }) } },
    icon("file"),
    h("span.file-info", {}, h("span.file-name", {}, name), h("span.file-size", {}, fileSize(ref.size))),
  );
  link.addEventListener("click", async (e) => {
    e.preventDefault();
    const url = await mediaUrl(ref.id);
    const a = h("a", { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
  });
  return link;
}

/** Records voice with MediaRecorder; resolves with a File when stopped, null when cancelled. */
export async function recordVoice(onTick) {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const type =
    ["audio/ogg;codecs=opus", "audio/webm;codecs=opus", "audio/webm"].find((t) => MediaRecorder.isTypeSupported(t)) ||
    "";
  const recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
  const chunks = [];
  const started = Date.now();
  const timer = setInterval(() => onTick((Date.now() - started) / 1000), 250);
  recorder.addEventListener("dataavailable", (e) => chunks.push(e.data));
  let cancelled = false;
  const done = new Promise((resolve) =>
    recorder.addEventListener("stop", () => {
      clearInterval(timer);
      for (const t of stream.getTracks()) t.stop();
      if (cancelled) return resolve(null);
      const mime = recorder.mimeType || "audio/webm";
      const ext = mime.includes("ogg") ? "ogg" : "webm";
      resolve(new File(chunks, `voice.${ext}`, { type: mime.split(";")[0] }));
    }),
  );
  recorder.start();
  return {
    done,
    stop: () => recorder.stop(),
    cancel: () => {
      cancelled = true;
      recorder.stop();
    },
  };
}
