// The composer: text with Enter to send (Shift+Enter for a new line), the reply or edit bar,
// emoji; @mentions (mentions.js), photos, files and voice notes (attachments.js).

import { ApiError, call } from "./api.js";
import { h, icon, iconButton, toast } from "./dom.js";
import { closeEmojiPicker, openEmojiPicker } from "./emoji.js";
import { attachmentTray, sendFile, voiceRecorder } from "./attachments.js";
import { mentionList } from "./mentions.js";
import { nameOf } from "./state.js";
import { sendMessage } from "./sync.js";

/** createComposer(conv) → {el, addFiles(files), focus(), reply(message), edit(message)} */
export function createComposer(conv) {
  const quote = { replyTo: null, editing: null };
  const input = h("textarea.composer-input", {
    rows: 1,
    placeholder: "Message",
    attrs: { "aria-label": "Message", maxlength: 5000 },
  });
  const bar = h("div.composer-bar", { hidden: true });
  const tray = attachmentTray(() => changed());
  const mentions = mentionList(input, conv, () => changed());
  const picker = h("input", {
    type: "file",
    multiple: true,
    hidden: true,
    attrs: { "aria-label": "Attach photos, videos or files" },
  });
  const send = h("button.send-btn", { type: "button", attrs: { "aria-label": "Send" } }, icon("send"));
  const mic = iconButton("mic", "Record a voice message", () => voice.start());
  const emoji = iconButton("smile", "Emoji", () => openEmojiPicker(emoji, insert), ".emoji-toggle");
  const row = h(
    "div.composer-row",
    {},
    emoji,
    iconButton("attach", "Attach a photo, video or file", () => picker.click()),
    input,
    mic,
    send,
  );
  const voice = voiceRecorder(row, (file) => sendFile(el, conv.id, file));
  const el = h("div.composer", {}, bar, tray.el, mentions.el, voice.el, row, picker);

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
    const empty = input.value.trim() === "" && tray.files().length === 0;
    send.hidden = empty && !quote.editing;
    mic.hidden = !send.hidden;
    mentions.suggest();
  }

  function showBar() {
    const target = quote.editing || quote.replyTo;
    bar.hidden = !target;
    if (!target) return bar.replaceChildren();
    const title = quote.editing ? "Editing" : `Replying to ${nameOf(quote.replyTo.sender)}`;
    bar.replaceChildren(
      h("div.bar-text", {}, h("strong", {}, title), h("span", {}, target.text || `[${target.kind}]`)),
      iconButton("close", quote.editing ? "Cancel editing" : "Cancel reply", cancel),
    );
  }

  function cancel() {
    if (quote.editing) input.value = "";
    quote.replyTo = null;
    quote.editing = null;
    showBar();
    changed();
  }

  async function submit() {
    const text = input.value.trim();
    if (quote.editing) return saveEdit(quote.editing, text);
    if (!text && tray.files().length === 0) return;
    const reply = quote.replyTo ? quote.replyTo.seq : undefined;
    const queued = tray.take();
    input.value = "";
    cancel();
    for (const file of queued) await sendFile(el, conv.id, file, reply);
    if (text) sendMessage(conv.id, { kind: "text", text, reply_to: queued.length ? undefined : reply });
  }

  async function saveEdit(target, text) {
    if (!text) return;
    try {
      await call("PATCH", `/conversations/${conv.id}/messages/${target.seq}`, { text });
      input.value = "";
      cancel();
    } catch (e) {
      toast(e instanceof ApiError ? e.message : "Could not edit: offline.", ".error");
    }
  }

  function addFiles(list) {
    tray.add(list);
    changed();
    input.focus();
  }

  input.addEventListener("input", changed);
  input.addEventListener("click", () => mentions.suggest());
  input.addEventListener("keydown", (e) => {
    if (mentions.key(e)) return e.preventDefault();
    if (e.key === "Escape" && (quote.replyTo || quote.editing)) return cancel();
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });
  input.addEventListener("paste", (e) => {
    const pasted = [...(e.clipboardData ? e.clipboardData.files : [])];
    if (pasted.length) {
      e.preventDefault();
      addFiles(pasted);
    }
  });
  picker.addEventListener("change", () => {
    addFiles([...picker.files]);
    picker.value = "";
  });
  send.addEventListener("click", () => {
    closeEmojiPicker();
    submit();
  });
  changed();

  return {
    el,
    addFiles,
    focus: () => input.focus(),
    reply(message) {
      quote.editing = null;
      quote.replyTo = message;
      showBar();
      input.focus();
    },
    edit(message) {
      quote.replyTo = null;
      quote.editing = message;
      input.value = message.text;
      showBar();
      changed();
      input.focus();
    },
  };
}
