// What is new in Moments, as WeChat shows it. A friend's new post is counted ("1 new moment")
// and shown only when the reader taps the bar, never slipped in under their eyes. Likes and
// comments by others on my own moments are notices: a badge on the Moments tab and, above the
// feed, "N new messages", which opens the list of who did what and clears the badge.
// The notices seen are remembered on this device (the newest one's time, per user); once the
// event stream is ready they are read from my newest page of moments, then kept live by the
// events. A first start on a device counts that page's likes and comments as new, once.

import { call } from "./api.js";
import { avatar, clear, h } from "./dom.js";
import { agoTime } from "./format.js";
import { emit, nameOf, on, rememberUser, state } from "./state.js";
import { t } from "./i18n.js";

const news = {
  posted: new Set(), // ids of friends' moments posted since the feed was last drawn
  notices: new Map(), // key → {key, kind, user, text, moment, at}
  texts: new Map(), // my moments' texts by id, for the notices
  seen: 0, // the newest notice seen (ms)
};

const seenKey = () => `guanxi.momentsSeen.${state.me.handle}`;
const time = (iso) => Date.parse(iso) || 0;

/** Unseen notices (for the tab's badge). */
export function unseenNotices() {
  return [...news.notices.values()].filter((n) => n.at > news.seen).length;
}

/** Starts listening (for the app's lifetime); returns stop(). */
export function startMomentsNews() {
  news.posted.clear();
  news.notices.clear();
  news.texts.clear();
  news.seen = Number(localStorage.getItem(seenKey())) || 0;
  const changed = () => emit("momentsNews");
  const offs = [
    on("momentEvent", (e) => {
      if (e.type === "moment.posted" && e.author !== state.me.handle) news.posted.add(e.moment_id); // mine: the composer shows it
      if (e.type === "moment.deleted") news.posted.delete(e.moment_id);
      if (e.type === "moment.posted") return changed();
      if (e.author !== state.me.handle) return;
      if (e.type === "moment.liked") note("like", e.like.user, "", e.moment_id, e.like.created_at);
      else if (e.type === "moment.commented")
        note("comment", e.comment.user, e.comment.text, e.moment_id, e.comment.created_at, e.comment.id);
      else if (e.type === "moment.unliked") news.notices.delete(`like:${e.moment_id}:${e.user.handle}`);
      else if (e.type === "moment.comment_deleted") news.notices.delete(`comment:${e.comment_id}`);
      else if (e.type === "moment.deleted")
        for (const [key, n] of news.notices) if (n.moment === e.moment_id) news.notices.delete(key);
      changed();
      if (!news.texts.has(e.moment_id) && e.type !== "moment.deleted") learnText(e.moment_id).then(changed);
    }),
    on("resumed", ({ reload }) => {
      if (reload) loadNotices().then(changed); // events were missed for good
    }),
  ];
  offs.push(on("loaded", () => loadNotices().then(changed))); // the socket is ready: nothing falls between
  return () => {
    for (const off of offs) off();
  };
}

function note(kind, user, text, moment, at, commentId = null) {
  if (user.handle === state.me.handle) return;
  rememberUser(user);
  const key = kind === "like" ? `like:${moment}:${user.handle}` : `comment:${commentId}`;
  news.notices.set(key, { key, kind, user: user.handle, text, moment, at: time(at) });
}

async function learnText(id) {
  try {
    news.texts.set(id, (await call("GET", `/moments/${id}`)).text);
  } catch {
    news.texts.set(id, "");
  }
}

/** My newest page of moments: their likes and comments by others are the notices. */
async function loadNotices() {
  let page;
  try {
    page = await call("GET", `/users/${encodeURIComponent(state.me.handle)}/moments`, undefined, { limit: 20 });
  } catch {
    return;
  }
  for (const m of page.moments) {
    news.texts.set(m.id, m.text);
    for (const like of m.likes) note("like", like.user, "", m.id, like.created_at);
    for (const c of m.comments) note("comment", c.user, c.text, m.id, c.created_at, c.id);
  }
}

function markSeen() {
  const newest = Math.max(news.seen, ...[...news.notices.values()].map((n) => n.at));
  news.seen = newest;
  localStorage.setItem(seenKey(), String(newest));
  emit("momentsNews");
}

/** The bars above the feed: {el, shown(), dispose()}; `showNew()` draws the feed again, and
 *  tells `shown()` when it does so for another reason. */
export function feedNews(showNew) {
  const el = h("div.moments-news");
  let opened = null; // the notices shown (kept on screen after they are marked seen)

  function draw() {
    const fresh = news.posted.size;
    const unseen = unseenNotices();
    const bars = [];
    if (unseen)
      bars.push(
        h(
          "button.news-bar.notices-bar",
          { type: "button", on: { click: openNotices } },
          t("news.notices", { count: unseen }),
        ),
      );
    if (fresh)
      bars.push(
        h(
          "button.news-bar.new-moments",
          { type: "button", on: { click: showFresh } },
          t("news.moments", { count: fresh }),
        ),
      );
    clear(el, bars, opened ? noticeList(opened) : null);
  }

  function openNotices() {
    opened = [...news.notices.values()].filter((n) => n.at > news.seen).sort((a, b) => b.at - a.at);
    markSeen();
  }

  function shown() {
    news.posted.clear();
    draw();
  }

  function showFresh() {
    shown();
    showNew();
  }

  news.posted.clear(); // the feed about to be drawn holds them
  draw();
  const off = on("momentsNews", draw);
  return { el, shown, dispose: off };
}

function noticeList(items) {
  return h(
    "section.notices",
    { attrs: { "aria-label": t("news.label") } },
    h(
      "ul.notice-list",
      {},
      items.map((n) => {
        const what = n.kind === "like" ? t("news.liked") : t("news.commented", { text: n.text });
        const about = news.texts.get(n.moment);
        return h(
          "li.notice",
          {},
          avatar(nameOf(n.user), n.user),
          h(
            "span.notice-main",
            {},
            h("span.notice-what", {}, h("strong", {}, nameOf(n.user)), " ", what),
            about ? h("span.notice-on", {}, t("news.quoted", { text: about })) : null,
          ),
          h("time.notice-time", {}, agoTime(new Date(n.at).toISOString())),
        );
      }),
    ),
  );
}
