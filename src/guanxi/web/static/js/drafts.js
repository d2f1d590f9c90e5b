// Drafts: what is typed in a chat's box stays on this device (localStorage, keyed by user and
// chat) until it is sent, across chat switches and reloads; the chat list shows "Draft:".
// Logging out removes the user's drafts from the device.

import { emit, state } from "./state.js";

const PREFIX = "guanxi.draft.";
const MAX = 5000; // the box's own limit

function key(convId) {
  return `${PREFIX}${state.me?.handle || ""}.${convId}`;
}

export function draftOf(convId) {
  try {
    return localStorage.getItem(key(convId)) || "";
  } catch {
    return "";
  }
}

function saveDraft(convId, text) {
  const had = draftOf(convId);
  const next = text.trim() ? text.slice(0, MAX) : "";
  if (next === had) return;
  try {
    if (next) localStorage.setItem(key(convId), next);
    else localStorage.removeItem(key(convId));
  } catch {
    return; // storage full or off: the draft lives only in the box
  }
  if (Boolean(had) !== Boolean(next)) emit("drafts", convId); // the chat list shows or drops it
}

/** Keeps a composer's box as the chat's draft: fills it when empty, saves every change (a
 *  send empties the box, which removes the draft). */
export function keepDraft(composerEl, convId) {
  const box = composerEl.querySelector(".composer-input");
  if (!box) return;
  const saved = draftOf(convId);
  if (saved && !box.value) {
    box.value = saved;
    box.dispatchEvent(new Event("input"));
  }
  box.addEventListener("input", () => {
    if (!composerEl.dataset.editing) saveDraft(convId, box.value);
  });
}

/** Removes every draft of this user from the device (on logging out). */
export function forgetDrafts(handle) {
  const mine = `${PREFIX}${handle}.`;
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith(mine)) localStorage.removeItem(k);
  } catch {
    // storage off: nothing kept
  }
}
