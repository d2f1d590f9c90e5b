// A chat's history: earlier pages when the reader scrolls up, and after a reconnect
// everything since the newest message shown.

import { call } from "./api.js";
import { maxSeq, minSeq, putMessage } from "./state.js";
import { t } from "./i18n.js";

const PAGE = 40;

/** chatHistory(chat, id, view) → {loadOlder(), catchUp()}; `view` is the messageList. */
export function chatHistory(chat, id, view) {
  let loading = null; // the load under way: a second call waits for it

  function loadOlder() {
    if (!loading && chat.hasMoreBefore) loading = loadPage();
    return loading || Promise.resolve();
  }

  async function loadPage() {
    view.showTop(t("messages.loadingEarlier"));
    const before = view.shown() ? minSeq(chat) : undefined;
    try {
      const page = await call("GET", `/conversations/${id}/messages`, undefined, { before, limit: PAGE });
      view.keepPosition(() => {
        for (const m of page.messages) putMessage(m);
        chat.hasMoreBefore = page.has_more;
      });
    } finally {
      loading = null;
      view.showTop();
    }
  }

  /** Everything after the newest message shown, page by page (after a reconnect). If the
   *  first page never arrived (the network went while it loaded), fetch it now. */
  async function catchUp() {
    if (!chat.loaded) {
      chat.hasMoreBefore = true;
      await loadOlder();
      chat.loaded = true;
    }
    let after = maxSeq(chat);
    if (after === 0) return;
    for (;;) {
      const page = await call("GET", `/conversations/${id}/messages`, undefined, { after, limit: 200 });
      for (const m of page.messages) putMessage(m);
      if (!page.has_more || page.messages.length === 0) break;
      after = Math.max(...page.messages.map((m) => m.seq));
    }
  }

  return { loadOlder, catchUp };
}
