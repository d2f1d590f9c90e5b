// The composer: text with Enter to send (Shift+Enter for a new line), replies, edits, emoji,
// @mentions, photos and files (chosen, pasted or dropped, previewed first) and voice notes.

import { ApiError, call, upload } from "./api.js";
import { h, icon, iconButton, toast } from "./dom.js";
import { closeEmojiPicker, openEmojiPicker } from "./emoji.js";
import { duration, fileSize } from "./format.js";
import { recordVoice } from "./media.js";
import { nameOf, state } from "./state.js";
import { sendMessage } from "./sync.js";

export function createComposer(conv) {
  let replyTo = null, editing = null, files = [], recording = null;
  const input = h("textarea.composer-input", { rows: 1, placeholder: "Message", attrs: { "aria-label": "Message", maxlength: 5000 } });
  const bar = h("div.composer-bar", { hidden: true });
  const tray = h("div.attach-tray", { hidden: true, attrs: { "aria-label": "Attachments" } });
  const mentions = h("ul.mention-list", { hidden: true, attrs: { role: "listbox", "aria-label": "Mention someone" } });
  const picker = h("input", { type: "file", multiple: true, hidden: true, attrs: { "aria-label": "Attach photos, videos or files" } });
  const send = h("button.send-btn", { type: "button", attrs: { "aria-label": "Send" } }, icon("send"));
  const mic = iconButton("mic", "Record a voice message", () => startRecording());
  const recBox = h("div.recording", { hidden: true, attrs: { role: "status" } });
  const emoji = iconButton("smile", "Emoji", () => openEmojiPicker(emoji, insert), ".emoji-toggle");
  const row = h("div.composer-row", {}, emoji, iconButton("attach", "Attach a photo, video or file", () => picker.click()), input, mic, send);
  const el = h("div.composer", {}, bar, tray, mentions, recBox, row, picker);

  function insert(text) {
    const start = input.selectionStart ?? input.value.length;
    input.setRangeText(text, start, input.selectionEnd ?? start, "end");
    input.focus();
    changed();
  }

  function changed() {
    if (input.isConnected) {
      input.style.height = "auto";
      input.style.height = `${Math.min(input.scrollHeight + 2, 160)}px`;
    }
    const empty = input.value.trim() === "" && files.length === 0;
    send.hidden = empty && !editing;
    mic.hidden = !send.hidden;
    suggestMentions();
  }

  function showBar() {
    const target = editing || replyTo;
    bar.hidden = !target;
    if (!target) return bar.replaceChildren();
    const title = editing ? "Editing" : `Replying to ${nameOf(replyTo.sender)}`;
    bar.replaceChildren(h("div.bar-text", {}, h("strong", {}, title), h("span", {}, target.text || `[${target.kind}]`)),
      iconButton("close", editing ? "Cancel editing" : "Cancel reply", cancel));
  }

  function cancel() {
    if (editing) input.value = "";
    replyTo = null;
    editing = null;
    showBar();
    changed();
  }

  async function submit() {
    const text = input.value.trim();
    if (editing) return saveEdit(text);
    if (!text && files.length === 0) return;
    const reply = replyTo ? replyTo.seq : undefined;
    const queued = files;
    files = [];
    drawTray();
    input.value = "";
    cancel();
    for (const file of queued) await sendFile(file, reply);
    if (text) sendMessage(conv.id, { kind: "text", text, reply_to: queued.length ? undefined : reply });
  }

  async function saveEdit(text) {
    const target = editing;
    if (!text) return;
    try {
      await call("PATCH", `/conversations/${conv.id}/messages/${target.seq}`, { text });
      input.value = "";
      cancel();
    } catch (e) {
      toast(e instanceof ApiError ? e.message : "Could not edit: offline.", ".error");
    }
  }

  async function sendFile(file, reply) {
    const note = h("div.uploading", { attrs: { role: "status" } }, `Uploading ${file.name || "file"}…`);
    el.prepend(note);
    try {
      const media = await upload(file, file.name);
      sendMessage(conv.id, { kind: media.kind, media_id: media.id, reply_to: reply });
    } catch (e) {
      toast(e instanceof ApiError ? e.message : "Upload failed: offline.", ".error");
    } finally {
      note.remove();
    }
  }

  function addFiles(list) {
    for (const file of list) files.push(file);
    drawTray();
    changed();
    input.focus();
  }

  function drawTray() {
    tray.hidden = files.length === 0;
    tray.replaceChildren(...files.map((file, i) => {
      const remove = iconButton("close", `Remove ${file.name}`, () => { files.splice(i, 1); drawTray(); changed(); }, ".tray-remove");
      let preview = h("span.tray-file", {}, icon("file"), h("span", {}, file.name), h("small", {}, fileSize(file.size)));
      if (file.type.startsWith("image/")) {
        preview = h("img.tray-img", { alt: `Preview of ${file.name}` });
        const url = URL.createObjectURL(file);
        preview.src = url;
        preview.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
      }
      return h("div.tray-item", {}, preview, remove);
    }));
  }

  // -- @mentions in groups --
  function suggestMentions() {
    const before = input.value.slice(0, input.selectionStart ?? 0);
    const match = conv.kind === "group" && before.match(/@([a-z0-9_.]*)$/);
    const people = match ? (conv.members || []).map((m) => m.user)
      .filter((u) => u.handle !== state.me.handle && (u.handle.includes(match[1]) || u.display_name.toLowerCase().includes(match[1])))
      .slice(0, 6) : [];
    mentions.hidden = people.length === 0;
    mentions.replaceChildren(...people.map((u, i) => h(`li.mention-option${i === 0 ? ".active" : ""}`, {
      attrs: { role: "option", "aria-selected": i === 0 ? "true" : "false" }, dataset: { handle: u.handle },
      on: { pointerdown: (e) => { e.preventDefault(); pickMention(u.handle); } },
    }, h("strong", {}, nameOf(u.handle)), h("span", {}, " @" + u.handle))));
  }

  function pickMention(handle) {
    const pos = input.selectionStart ?? input.value.length;
    const start = input.value.slice(0, pos).lastIndexOf("@");
    input.setRangeText(`@${handle} `, start, pos, "end");
    mentions.hidden = true;
    input.focus();
    changed();
  }

  function mentionKey(e) {
    if (mentions.hidden) return false;
    const options = [...mentions.children];
    const at = options.findIndex((o) => o.classList.contains("active"));
    if (e.key === "Enter" || e.key === "Tab") { pickMention(options[at].dataset.handle); return true; }
    if (e.key === "Escape") { mentions.hidden = true; return true; }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return false;
    const next = (at + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
    options.forEach((o, i) => { o.classList.toggle("active", i === next); o.setAttribute("aria-selected", String(i === next)); });
    return true;
  }

  // -- voice --
  async function startRecording() {
    if (!navigator.mediaDevices || !window.MediaRecorder) return toast("This browser cannot record audio.", ".error");
    try {
      recording = await recordVoice((s) => { recTime.textContent = duration(s); });
    } catch {
      return toast("No microphone, or permission was refused.", ".error");
    }
    const recTime = h("span.rec-time", {}, "0:00");
    recBox.replaceChildren(h("span.rec-dot", { attrs: { "aria-hidden": "true" } }), h("span", {}, "Recording "), recTime,
      h("button.link", { type: "button", on: { click: () => recording.cancel() } }, "Cancel"),
      h("button.primary", { type: "button", on: { click: () => recording.stop() } }, "Send voice"));
    recBox.hidden = false;
    row.hidden = true;
    const file = await recording.done;
    recording = null;
    recBox.hidden = true;
    row.hidden = false;
    if (file) await sendFile(file);
  }

  input.addEventListener("input", changed);
  input.addEventListener("click", suggestMentions);
  input.addEventListener("keydown", (e) => {
    if (mentionKey(e)) return e.preventDefault();
    if (e.key === "Escape" && (replyTo || editing)) return cancel();
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  input.addEventListener("paste", (e) => {
    const pasted = [...(e.clipboardData ? e.clipboardData.files : [])];
    if (pasted.length) { e.preventDefault(); addFiles(pasted); }
  });
  picker.addEventListener("change", () => { addFiles([...picker.files]); picker.value = ""; });
  send.addEventListener("click", () => { closeEmojiPicker(); submit(); });
  changed();

  return {
    el,
    addFiles,
    focus: () => input.focus(),
    reply(message) { editing = null; replyTo = message; showBar(); input.focus(); },
    edit(message) { replyTo = null; editing = message; input.value = message.text; showBar(); changed(); input.focus(); },
  };
}
