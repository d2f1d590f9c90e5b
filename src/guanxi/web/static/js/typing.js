// "typing…" in a direct chat. While I type, the other member is told at most once every
// SEND_EVERY ms (POST …/typing; the server limits it too and sends it only between friends
// without a block). Their "typing…" shows in the chat header and clears SHOW_FOR ms after
// the last signal, or as soon as a message of theirs arrives.

import { call } from "./api.js";
import { on, state } from "./state.js";

const SEND_EVERY = 4000;
const SHOW_FOR = 6000;

/** Call `typed()` on each keystroke in the composer of chat `id`: it sends a signal when due. */
export function typingSender(id, conv) {
  let last = 0;
  return (text) => {
    const c = conv();
    if (c.kind !== "direct" || !text.trim() || state.online !== "online") return;
    const now = Date.now();
    if (now - last < SEND_EVERY) return;
    last = now;
    call("POST", `/conversations/${id}/typing`).catch(() => {}); // a hint: losing one is fine
  };
}

/** Whether the other member of chat `id` is typing; `changed()` runs when that flips. */
export function typingShown(id, changed) {
  let timer = null;
  const stop = () => {
    if (timer === null) return;
    clearTimeout(timer);
    timer = null;
    changed();
  };
  const offTyping = on("typing", (e) => {
    if (e.conversation_id !== id || e.handle === state.me?.handle) return;
    const was = timer !== null;
    clearTimeout(timer);
    timer = setTimeout(stop, SHOW_FOR);
    if (!was) changed();
  });
  const offMessage = on("message", ({ message, isNew }) => {
    if (isNew && message.conversation_id === id && message.sender !== state.me?.handle) stop();
  });
  return {
    active: () => timer !== null,
    dispose: () => {
      clearTimeout(timer);
      timer = null;
      offTyping();
      offMessage();
    },
  };
}
