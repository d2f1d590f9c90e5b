// My read marker in an open chat: once messages are shown and the window has the focus, the
// newest seq is marked read (debounced), and the chat list's unread count drops to zero.

import { call } from "./api.js";
import { emit, maxSeq, state } from "./state.js";

/** readMarker(chat, id) → {mark(), dispose()} */
export function readMarker(chat, id) {
  let timer = null;

  function mark() {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const seq = maxSeq(chat);
      const c = state.convs.get(id);
      if (!c || document.hidden || seq === 0 || (c.last_read_seq || 0) >= seq) return;
      try {
        await call("POST", `/conversations/${id}/read`, { seq });
        c.last_read_seq = Math.max(c.last_read_seq || 0, seq);
        c.unread = 0;
        emit("convs");
      } catch {
        /* retried on the next message or focus */
      }
    }, 250);
  }

  const focus = () => mark();
  window.addEventListener("focus", focus);
  document.addEventListener("visibilitychange", focus);
  const dispose = () => {
    window.removeEventListener("focus", focus);
    document.removeEventListener("visibilitychange", focus);
  };
  return { mark, dispose };
}
