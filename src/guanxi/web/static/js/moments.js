// Moments: the feed (or one person's page) with photo grids, likes and comments, and posting
// with an audience. The server already hides likes and comments the viewer may not see.

import { call, mediaUrl, upload } from "./api.js";
import { whileBusy } from "./busy.js";
import { avatar, clear, h, icon, iconButton, modal, toast } from "./dom.js";
import { agoTime } from "./format.js";
import { openPhoto } from "./media.js";
import { disposeAll, paneHeader } from "./pane.js";
import { roving } from "./roving.js";
import { PAGE, pager } from "./pager.js";
import { nameOf, on, rememberUser, state } from "./state.js";
import { feedNews } from "./momentsnews.js";
import { errorText, t } from "./i18n.js";

const err = (e) => errorText(e);
const AUDIENCES = ["all", "only", "except", "private"];

export function renderMoments(pane, { handle = null }) {
  const cards = new Map();
  const list = h("section.feed", { attrs: { "aria-label": t("section.moments") } });
  const more = pager(t("moments.loadMore"), () => page());
  let cursor = null;
  const mine = !handle || handle === state.me.handle;
  const title = handle ? t("moments.of", { name: nameOf(handle) }) : t("section.moments");
  const post = mine
    ? h(
        "button.primary",
        { type: "button", on: { click: () => compose(() => reload()) } },
        icon("camera"),
        ` ${t("moments.post")}`,
      )
    : null;
  const who = handle || state.me.handle;
  const cover = h(
    "div.moments-cover",
    {},
    h("div.cover-name", {}, h("strong", {}, nameOf(who)), avatar(nameOf(who), who, ".large")),
  );
  const news = handle ? null : feedNews(() => reload()); // the feed: new posts wait for a tap
  clear(
    pane,
    paneHeader(title, handle ? `contacts/u/${encodeURIComponent(handle)}` : null, post ? [post] : []),
    h("div.page.feed-page", {}, cover, news?.el, list, more.el),
  );

  async function page() {
    const path = handle ? `/users/${encodeURIComponent(handle)}/moments` : "/moments/feed";
    try {
      const result = await call("GET", path, undefined, { cursor, limit: handle ? PAGE : 20 });
      for (const m of result.moments) show(m);
      cursor = result.next_cursor;
      if (cards.size === 0)
        list.replaceChildren(h("p.list-empty", {}, handle ? t("moments.nothing") : t("moments.none")));
    } catch (e) {
      list.replaceChildren(h("p.list-empty", {}, err(e)));
    }
    return Boolean(cursor);
  }

  function show(moment) {
    rememberUser(moment.author);
    const card = momentCard(moment, refresh);
    const old = cards.get(moment.id);
    if (old) replaceKeepingComment(old, card);
    else list.append(card);
    cards.set(moment.id, card);
  }

  async function refresh(id) {
    try {
      show(await call("GET", `/moments/${id}`));
    } catch (e) {
      if (e.status === 404 && cards.has(id)) {
        cards.get(id).remove();
        cards.delete(id);
      }
    }
  }

  function reload() {
    news?.shown(); // the newest posts are about to be drawn
    cursor = null;
    cards.clear();
    list.replaceChildren();
    more.show(false);
    more.load();
  }

  more.load();
  return disposeAll([
    roving(list, "article.moment", { key: (el) => el.dataset.id }), // ↑ ↓ from post to post
    on("moment", (id) => {
      if (cards.has(id)) refresh(id);
    }),
    on("resumed", (info) => {
      if (info.reload) reload();
    }), // events were missed for good
    more.dispose,
    news ? news.dispose : () => {},
  ]);
}

// A live like or comment redraws the card: a comment being written stays open, with its text,
// the comment it answers and the focus.
function replaceKeepingComment(old, card) {
  const from = old.querySelector("form.comment-form");
  const to = card.querySelector("form.comment-form");
  const typing = from && !from.hidden;
  const focused = typing && from.contains(document.activeElement);
  if (typing) {
    const [a, b] = [from.querySelector("input"), to.querySelector("input")];
    b.value = a.value;
    b.placeholder = a.placeholder;
    to.dataset.replyTo = from.dataset.replyTo || "";
    to.hidden = false;
  }
  old.replaceWith(card);
  if (focused) to.querySelector("input").focus();
}

function momentCard(m, refresh) {
  const author = m.author.handle;
  const isMine = author === state.me.handle;
  const comment = h("input", {
    id: `c-${m.id}`,
    placeholder: t("moments.comment"),
    maxLength: 5000,
    attrs: { "aria-label": t("moments.comment"), autocomplete: "off" },
  });
  const form = h(
    "form.comment-form",
    {
      on: {
        submit: async (e) => {
          e.preventDefault();
          const text = comment.value.trim();
          if (!text) return;
          try {
            const replyTo = form.dataset.replyTo ? Number(form.dataset.replyTo) : null;
            await call("POST", `/moments/${m.id}/comments`, { text, reply_to: replyTo });
            comment.value = "";
            form.hidden = true;
            refresh(m.id);
          } catch (x) {
            toast(err(x), ".error");
          }
        },
      },
    },
    comment,
    h("button.primary", { type: "submit" }, t("composer.send")),
  );
  form.hidden = true;
  const openComment = () => {
    form.hidden = false;
    comment.focus();
  };
  const like = h(
    `button.like${m.liked_by_me ? ".on" : ""}`,
    {
      type: "button",
      attrs: {
        "aria-pressed": String(m.liked_by_me),
        "aria-label": m.liked_by_me ? t("moments.unlike") : t("moments.like"),
      },
      on: {
        click: async () => {
          try {
            await call(m.liked_by_me ? "DELETE" : "PUT", `/moments/${m.id}/like`);
            refresh(m.id);
          } catch (x) {
            toast(err(x), ".error");
          }
        },
      },
    },
    icon("heart"),
    m.liked_by_me ? t("moments.liked") : t("moments.like"),
  );
  const replyToComment = (c) => {
    form.dataset.replyTo = String(c.id);
    comment.placeholder = t("moments.replyTo", { name: nameOf(c.user.handle) });
    openComment();
  };
  const social =
    m.likes.length || m.comments.length
      ? h(
          "div.social",
          {},
          m.likes.length
            ? h(
                "p.likes",
                {},
                icon("heart"),
                h("span", {}, m.likes.map((l) => nameOf(rememberUser(l.user).handle)).join(t("common.listSeparator"))),
              )
            : null,
          m.comments.length
            ? h(
                "ul.comments",
                {},
                m.comments.map((c) => commentItem(m, c, isMine, replyToComment, refresh)),
              )
            : null,
        )
      : null;
  return h(
    "article.moment",
    { dataset: { id: m.id } },
    h(
      "a.moment-avatar",
      {
        href: `#/moments/${encodeURIComponent(author)}`,
        attrs: { "aria-label": t("moments.of", { name: nameOf(author) }) },
      },
      avatar(nameOf(author), author),
    ),
    h(
      "div.moment-body",
      {},
      h("a.moment-author", { href: `#/moments/${encodeURIComponent(author)}` }, nameOf(author)),
      m.text ? h("p.moment-text", {}, m.text) : null,
      m.media.length ? grid(m.media) : null,
      m.place ? h("p.place", {}, `📍 ${m.place}`) : null,
      h(
        "div.moment-meta",
        {},
        h("time", { dateTime: m.created_at }, agoTime(m.created_at)),
        isMine && m.audience ? h("span.muted", {}, ` · ${audienceLabel(m.audience)}`) : null,
        isMine
          ? h(
              "button.link.danger-text",
              { type: "button", on: { click: () => remove(m.id, refresh) } },
              t("common.delete"),
            )
          : null,
        h("span.spacer"),
        like,
        h("button.link", { type: "button", on: { click: openComment } }, icon("comment"), t("moments.comment")),
      ),
      social,
      form,
    ),
  );
}

function commentItem(m, c, isMine, reply, refresh) {
  const who = nameOf(rememberUser(c.user).handle);
  const target = c.reply_to ? nameOf(rememberUser(c.reply_to.user).handle) : null;
  const canDelete = isMine || c.user.handle === state.me.handle;
  return h(
    "li.comment",
    {},
    h(
      "button.comment-text",
      { type: "button", attrs: { "aria-label": t("moments.replyTo", { name: who }) }, on: { click: () => reply(c) } },
      h("strong", {}, who),
      target ? h("span.muted", {}, t("moments.repliedTo")) : null,
      target ? h("strong", {}, target) : null,
      t("moments.colon"),
      h("span", {}, c.text),
    ),
    canDelete
      ? iconButton(
          "close",
          t("moments.deleteComment"),
          async () => {
            try {
              await call("DELETE", `/moments/${m.id}/comments/${c.id}`);
              refresh(m.id);
            } catch (x) {
              toast(err(x), ".error");
            }
          },
          ".tiny",
        )
      : null,
  );
}

function audienceLabel(audience) {
  const tags = audience.tags.join(t("common.listSeparator"));
  if (audience.kind === "only") return t("audience.onlyTags", { tags });
  if (audience.kind === "except") return t("audience.exceptTags", { tags });
  return audience.kind === "private" ? t("audience.privateShort") : t("audience.all");
}

function grid(refs) {
  if (refs.length === 1 && refs[0].kind === "video") {
    const video = h("video.video", { controls: true, preload: "metadata", attrs: { "aria-label": t("media.video") } });
    mediaUrl(refs[0].id).then(
      (url) => {
        video.src = url;
      },
      () => {},
    );
    return h("div.moment-video", {}, video);
  }
  const n = refs.length;
  const cls = n === 1 ? "one" : n === 2 || n === 4 ? "two" : "three";
  return h(
    `div.photo-grid.${cls}`,
    {},
    refs.slice(0, 9).map((ref) => {
      const img = h("img", { alt: t("media.photo"), attrs: { loading: "lazy" } });
      mediaUrl(ref.id, "thumbnail").then(
        (url) => {
          img.src = url;
        },
        () => {
          img.alt = t("media.photoFailed");
        },
      );
      return h(
        "button.grid-cell",
        { type: "button", attrs: { "aria-label": t("media.openPhoto") }, on: { click: () => openPhoto(ref) } },
        img,
      );
    }),
  );
}

async function remove(id, refresh) {
  if (!confirm(t("moments.deleteConfirm"))) return;
  try {
    await call("DELETE", `/moments/${id}`);
    refresh(id);
  } catch (x) {
    toast(err(x), ".error");
  }
}

function compose(done) {
  modal(t("moments.new"), (close) => {
    const files = [];
    const text = h("textarea", { id: "mo-text", rows: 4, placeholder: t("moments.prompt"), maxLength: 20000 });
    const previews = h("div.photo-grid.three.previews");
    // the native input says "No file chosen": it is hidden behind a button-like label
    const picker = h("input.file-input", { type: "file", id: "mo-photos", accept: "image/*,video/*", multiple: true });
    const picked = h("span.muted.file-count", { attrs: { "aria-live": "polite" } });
    const place = h("input", { id: "mo-place", placeholder: t("moments.where"), maxLength: 100 });
    const kind = h(
      "select",
      { id: "mo-audience" },
      AUDIENCES.map((k) => h("option", { value: k }, t(`audience.${k}Choice`))),
    );
    const tags = [...new Set([...state.friends.values()].flatMap((f) => f.tags))].sort();
    const tagBoxes = tags.map((t) => h("label.check", {}, h("input", { type: "checkbox", value: t }), t));
    const tagBox = h(
      "fieldset.tag-box",
      { hidden: true },
      h("legend", {}, t("moments.tags")),
      tagBoxes.length ? tagBoxes : h("p.muted", {}, t("moments.noTags")),
    );
    const error = h("p.form-error", { attrs: { role: "alert" } });
    const submit = h("button.primary.wide", { type: "submit" }, t("moments.post"));
    kind.addEventListener("change", () => {
      tagBox.hidden = kind.value !== "only" && kind.value !== "except";
    });
    picker.addEventListener("change", () => {
      for (const f of picker.files) if (files.length < 9) files.push(f);
      picked.textContent = files.length ? t("moments.chosen", { count: files.length }) : "";
      previews.replaceChildren(
        ...files.map((f) => {
          const img = h("img", { alt: t("attach.preview", { name: f.name }) });
          img.src = URL.createObjectURL(f);
          return h("span.grid-cell", {}, img);
        }),
      );
      picker.value = "";
    });
    return h(
      "form.stack",
      {
        on: {
          submit: async (e) => {
            e.preventDefault();
            error.textContent = "";
            try {
              await whileBusy(submit, t("moments.posting"), async () => {
                const media = [];
                for (const f of files) media.push((await upload(f)).id);
                const chosen = tagBoxes
                  .map((l) => l.querySelector("input"))
                  .filter((i) => i.checked)
                  .map((i) => i.value);
                await call("POST", "/moments", {
                  text: text.value.trim(),
                  media_ids: media,
                  place: place.value.trim(),
                  audience: { kind: kind.value, tags: tagBox.hidden ? [] : chosen },
                });
              });
            } catch (x) {
              error.textContent = err(x);
              return;
            }
            close(true);
            done();
          },
        },
      },
      h("label.sr-only", { htmlFor: "mo-text" }, t("kind.text")),
      text,
      previews,
      h(
        "div.field.file-field",
        {},
        picker,
        h("label.button.secondary.file-button", { htmlFor: "mo-photos" }, t("moments.addPhotos")),
        picked,
      ),
      h("div.field", {}, h("label", { htmlFor: "mo-place" }, t("moments.place")), place),
      h("div.field", {}, h("label", { htmlFor: "mo-audience" }, t("moments.audience")), kind),
      tagBox,
      error,
      submit,
    );
  });
}
