// Photos, voice, video and files: fetched with the Authorization header into blob: URLs.

import { mediaUrl } from "./api.js";
import { h, icon, modal } from "./dom.js";
import { duration, fileSize } from "./format.js";

/** The element showing a media reference; `cache` keeps it across re-renders of a message. */
export function renderMedia(ref, cache) {
  if (cache?.has(ref.id)) return cache.get(ref.id);
  const el = { image: photo, voice, video, file }[ref.kind] || file;
  const node = el(ref);
  if (cache) cache.set(ref.id, node);
  return node;
}

export function photo(ref, variant = "thumbnail") {
  const img = h("img.photo", { alt: "Photo", attrs: { loading: "lazy" } });
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
      img.alt = "Photo (could not load)";
    },
  );
  const button = h(
    "button.photo-btn",
    { type: "button", attrs: { "aria-label": "Open photo" }, on: { click: () => openPhoto(ref) } },
    img,
  );
  return button;
}

export function openPhoto(ref) {
  modal("Photo", () => {
    const img = h("img.lightbox-img", { alt: "Photo" });
    mediaUrl(ref.id, "preview")
      .catch(() => mediaUrl(ref.id))
      .then((url) => {
        img.src = url;
      });
    return h("div.lightbox", {}, img);
  });
}

function voice(ref) {
  const audio = h("audio.voice-audio", { preload: "metadata" });
  const label = h("span.voice-duration", {}, duration(ref.duration) || "0:00");
  const bar = h("span.voice-bar", {}, h("span.voice-fill"));
  const button = h(
    "button.voice-play",
    { type: "button", attrs: { "aria-label": `Play voice message ${duration(ref.duration)}` } },
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
  const el = h("video.video", { controls: true, preload: "metadata", attrs: { "aria-label": "Video" } });
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
  const name = ref.filename || "file";
  const link = h(
    "a.file",
    { href: "#", attrs: { "aria-label": `Download ${name}` } },
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
