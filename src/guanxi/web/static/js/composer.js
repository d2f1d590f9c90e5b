// The composer: text with Enter to send (Shift+Enter for a new line), the reply or edit bar,
// emoji; @mentions (mentions.js), photos, files and voice notes (attachments.js).

import { call } from "./api.js";
import { h, icon, iconButton, toast } from "./dom.js";
import { closeEmojiPicker, openEmojiPicker } from "./emoji.js";
import { attachmentTray, sendFile, voiceRecorder } from "./attachments.js";
import { mentionList } from "./mentions.js";
import { nameOf } from "./state.js";
import { sendMessage } from "./sync.js";
import { kindTag } from "./format.js";
import { errorText, t } from "./i18n.js";

/** createComposer(conv) → {el, addFiles(files), handOver(fresh), focus(), reply(message), edit(message)} */
export function createComposer(conv) {
  const quote = { replyTo: null, editing: null };
  let successor = null; // the composer that took this one's place (handOver)
  const input = h("textarea.composer-input", {
    rows: 1,
    placeholder: t("composer.placeholder"),
    attrs: { "aria-label": t("composer.placeholder"), maxlength: 5000 },
  });
  const bar = h("div.composer-bar", { hidden: true });
  const tray = attachmentTray(() => changed());
  const mentions = mentionList(input, conv, () => changed());
  const picker = h("input", {
    type: "file",
    multiple: true,
    hidden: true,
    attrs: { "aria-label": t("composer.attachFiles") },
  });
  const send = h("button.send-btn", { type: "button", attrs: { "aria-label": t("composer.send") } }, icon("send"));
  const mic = iconButton("mic", t("composer.record"), () => voice.start());
  const emoji = iconButton("smile", t("emoji.label"), () => openEmojiPicker(emoji, insert), ".emoji-toggle");
  const row = h(
    "div.composer-row",
    {},
    emoji,
    iconButton("attach", t("composer.attach"), () => picker.click()),
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
    const title = quote.editing
      ? t("composer.editing")
      : t("composer.replying", { name: nameOf(quote.replyTo.sender) });
    bar.replaceChildren(
      h("div.bar-text", {}, h("strong", {}, title), h("span", {}, target.text || kindTag(target.kind))),
      iconButton("close", quote.editing ? t("composer.cancelEdit") : t("composer.cancelReply"), cancel),
    );
  }

  function cancel() {
    if (quote.editing) input.value = "";
    quote.replyTo = null;
    quote.editing = null;
    delete el.dataset.editing;
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
    input.dispatchEvent(new Event("input")); // an emptied box: its draft goes (drafts.js)
    cancel();
    // one photo and words: the words are its caption, one message (as WeChat and Telegram do)
    const caption = queued.length === 1 && queued[0].type.startsWith("image/") ? text : "";
    for (const file of queued) await sendFile(el, conv.id, file, reply, caption);
    if (text && !caption) sendMessage(conv.id, { kind: "text", text, reply_to: queued.length ? undefined : reply });
  }

  async function saveEdit(target, text) {
    if (!text) return;
    try {
      await call("PATCH", `/conversations/${conv.id}/messages/${target.seq}`, { text });
      input.value = "";
      cancel();
    } catch (e) {
      toast(errorText(e, t("composer.editOffline")), ".error");
    }
  }

  function addFiles(list) {
    // files chosen in this box's file dialog after it was replaced (the dialog stayed open
    // while the chat loaded) go to the box now shown
    if (successor) return successor.addFiles(list);
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
    /** `fresh` takes this composer's place (a chat's, once the chat has loaded) with what was
     * typed here (the caret where it was), the files chosen and the focus: nothing is lost. */
    handOver(fresh) {
      const box = fresh.el.querySelector(".composer-input");
      if (input.value && box) {
        box.value = input.value;
        box.setSelectionRange(input.selectionStart, input.selectionEnd);
        box.dispatchEvent(new Event("input"));
      }
      const waiting = tray.take();
      if (waiting.length) fresh.addFiles(waiting);
      const focused = el.contains(document.activeElement);
      el.replaceWith(fresh.el);
      successor = fresh;
      if (focused) box?.focus(); // typing goes on in it
    },
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
      el.dataset.editing = "1"; // an edit is not a draft (drafts.js)
      input.value = message.text;
      showBar();
      changed();
      input.focus();
    },
  };
}
