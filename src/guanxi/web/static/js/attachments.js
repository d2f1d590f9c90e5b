// What a message carries besides text: photos and files (chosen, pasted or dropped, previewed
// in a tray before sending), their upload, and voice notes recorded in the browser.

import { upload } from "./api.js";
import { h, icon, iconButton, toast } from "./dom.js";
import { duration, fileSize } from "./format.js";
import { recordVoice } from "./media.js";
import { sendMessage } from "./sync.js";
import { errorText, t } from "./i18n.js";

/** attachmentTray(changed) → {el, files(), add(list), take()}: the files waiting to be sent. */
export function attachmentTray(changed) {
  let files = [];
  const el = h("div.attach-tray", { hidden: true, attrs: { "aria-label": t("attach.label") } });

  function draw() {
    el.hidden = files.length === 0;
    el.replaceChildren(
      ...files.map((file, i) => {
        const remove = iconButton(
          "close",
          t("attach.remove", { name: file.name }),
          () => {
            files.splice(i, 1);
            draw();
            changed();
          },
          ".tray-remove",
        );
        return h("div.tray-item", {}, preview(file), remove);
      }),
    );
  }

  return {
    el,
    files: () => files,
    add(list) {
      for (const file of list) files.push(file);
      draw();
    },
    take() {
      const taken = files;
      files = [];
      draw();
      return taken;
    },
  };
}

function preview(file) {
  if (!file.type.startsWith("image/"))
    return h("span.tray-file", {}, icon("file"), h("span", {}, file.name), h("small", {}, fileSize(file.size)));
  const img = h("img.tray-img", { alt: t("attach.preview", { name: file.name }) });
  const url = URL.createObjectURL(file);
  img.src = url;
  img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  return img;
}

/** Uploads `file` (saying so at the top of `where`) and sends it as a message, with its
 *  caption when given (a photo and its words are one message). */
export async function sendFile(where, conversationId, file, reply, caption = "") {
  const note = h(
    "div.uploading",
    { attrs: { role: "status" } },
    t("attach.uploading", { name: file.name || t("media.file") }),
  );
  where.prepend(note);
  try {
    const media = await upload(file, file.name);
    sendMessage(conversationId, { kind: media.kind, media_id: media.id, reply_to: reply, text: caption });
  } catch (e) {
    toast(errorText(e, t("attach.uploadOffline")), ".error");
  } finally {
    note.remove();
  }
}

/** voiceRecorder(row, send) → {el, start()}: while recording, `el` replaces the input `row`;
 *  the note recorded goes to send(file). */
export function voiceRecorder(row, send) {
  const el = h("div.recording", { hidden: true, attrs: { role: "status" } });
  async function start() {
    if (!navigator.mediaDevices || !window.MediaRecorder) return toast(t("voice.unsupported"), ".error");
    let recording;
    try {
      recording = await recordVoice((s) => {
        time.textContent = duration(s);
      });
    } catch {
      return toast(t("voice.refused"), ".error");
    }
    const time = h("span.rec-time", {}, "0:00");
    el.replaceChildren(
      h("span.rec-dot", { attrs: { "aria-hidden": "true" } }),
      h("span", {}, t("voice.recording")),
      time,
      h("button.link", { type: "button", on: { click: () => recording.cancel() } }, t("common.cancel")),
      h("button.primary", { type: "button", on: { click: () => recording.stop() } }, t("voice.send")),
    );
    el.hidden = false;
    row.hidden = true;
    const file = await recording.done;
    el.hidden = true;
    row.hidden = false;
    if (file) await send(file);
  }
  return { el, start };
}

/** Files dropped anywhere on `target` go to add(files). */
export function dropFiles(target, add) {
  target.addEventListener("dragover", (e) => {
    e.preventDefault();
    target.classList.add("dropping");
  });
  target.addEventListener("dragleave", (e) => {
    if (!target.contains(e.relatedTarget)) target.classList.remove("dropping");
  });
  target.addEventListener("drop", (e) => {
    e.preventDefault();
    target.classList.remove("dropping");
    if (e.dataTransfer?.files.length) add([...e.dataTransfer.files]);
  });
}
