// Moments: the feed (or one person's page) with photo grids, likes and comments, and posting
// with an audience. The server already hides likes and comments the viewer may not see.

import { ApiError, call, mediaUrl, upload } from "./api.js";
import { avatar, clear, h, icon, iconButton, modal, toast } from "./dom.js";
import { agoTime } from "./format.js";
import { openPhoto } from "./media.js";
import { disposeAll, paneHeader } from "./pane.js";
import { PAGE, pager } from "./pager.js";
import { nameOf, on, rememberUser, state } from "./state.js";

const err = (e) => (e instanceof ApiError ? e.message : "The server cannot be reached.");
const AUDIENCES = {
  all: "All friends",
  only: "Only friends tagged…",
  except: "All friends except tagged…",
  private: "Only me",
};

export function renderMoments(pane, { handle = null }) {
  const cards = new Map();
  const list = h("div.feed", { attrs: { "aria-label": "Moments" } });
  const more = pager("Load more", () => page());
  let cursor = null;
  const mine = !handle || handle === state.me.handle;
  const title = handle ? `${nameOf(handle)}'s moments` : "Moments";
  const post = mine
    ? h("button.primary", { type: "button", on: { click: () => compose(() => reload()) } }, icon("camera"), " Post")
    : null;
  const who = handle || state.me.handle;
  const cover = h(
    "div.moments-cover",
    {},
    h("div.cover-name", {}, h("strong", {}, nameOf(who)), avatar(nameOf(who), who, ".large")),
  );
  clear(
    pane,
    paneHeader(title, handle ? `contacts/u/${encodeURIComponent(handle)}` : null, post ? [post] : []),
    h("div.page.feed-page", {}, cover, list, more.el),
  );

  async function page() {
    const path = handle ? `/users/${encodeURIComponent(handle)}/moments` : "/moments/feed";
    try {
      const result = await call("GET", path, undefined, { cursor, limit: handle ? PAGE : 20 });
      for (const m of result.moments) show(m);
      cursor = result.next_cursor;
      if (cards.size === 0)
        list.replaceChildren(h("p.list-empty", {}, handle ? "Nothing to see here." : "No moments yet. Share one!"));
    } catch (e) {
      list.replaceChildren(h("p.list-empty", {}, err(e)));
    }
    return Boolean(cursor);
  }

  function show(moment) {
    rememberUser(moment.author);
    const card = momentCard(moment, refresh);
    if (cards.has(moment.id)) cards.get(moment.id).replaceWith(card);
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
    cursor = null;
    cards.clear();
    list.replaceChildren();
    more.show(false);
    more.load();
  }

  more.load();
  return disposeAll([
    on("moment", (id) => {
      if (cards.has(id)) refresh(id);
    }),
    on("resumed", (info) => {
      if (info.reload) reload();
    }), // events were missed for good
    more.dispose,
  ]);
}

function momentCard(m, refresh) {
  const author = m.author.handle;
  const isMine = author === state.me.handle;
  const comment = h("input", {
    id: `c-${m.id}`,
    placeholder: "Comment",
    maxLength: 5000,
    attrs: { "aria-label": "Comment", autocomplete: "off" },
  });
  let replyTo = null;
  const form = h(
    "form.comment-form",
    {
      on: {
        submit: async (e) => {
          e.preventDefault();
          const text = comment.value.trim();
          if (!text) return;
          try {
            await call("POST", `/moments/${m.id}/comments`, { text, reply_to: replyTo ? replyTo.id : null });
            refresh(m.id);
          } catch (x) {
            toast(err(x), ".error");
          }
        },
      },
    },
    comment,
    h("button.primary", { type: "submit" }, "Send"),
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
      attrs: { "aria-pressed": String(m.liked_by_me), "aria-label": m.liked_by_me ? "Unlike" : "Like" },
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
    m.liked_by_me ? "Liked" : "Like",
  );
  const replyToComment = (c) => {
    replyTo = c;
    comment.placeholder = `Reply to ${nameOf(c.user.handle)}`;
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
                h("span", {}, m.likes.map((l) => nameOf(rememberUser(l.user).handle)).join(", ")),
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
      { href: `#/moments/${encodeURIComponent(author)}`, attrs: { "aria-label": `${nameOf(author)}'s moments` } },
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
          ? h("button.link.danger-text", { type: "button", on: { click: () => remove(m.id, refresh) } }, "Delete")
          : null,
        h("span.spacer"),
        like,
        h("button.link", { type: "button", on: { click: openComment } }, icon("comment"), "Comment"),
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
      { type: "button", attrs: { "aria-label": `Reply to ${who}` }, on: { click: () => reply(c) } },
      h("strong", {}, who),
      target ? h("span.muted", {}, " replied to ") : null,
      target ? h("strong", {}, target) : null,
      ": ",
      h("span", {}, c.text),
    ),
    canDelete
      ? iconButton(
          "close",
          "Delete comment",
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
  if (audience.kind === "only") return `Only ${audience.tags.join(", ")}`;
  if (audience.kind === "except") return `Except ${audience.tags.join(", ")}`;
  return audience.kind === "private" ? "Private" : "All friends";
}

function grid(refs) {
  if (refs.length === 1 && refs[0].kind === "video") {
    const video = h("video.video", { controls: true, preload: "metadata", attrs: { "aria-label": "Video" } });
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
      const img = h("img", { alt: "Photo", attrs: { loading: "lazy" } });
      mediaUrl(ref.id, "thumbnail").then(
        (url) => {
          img.src = url;
        },
        () => {
          img.alt = "Photo (could not load)";
        },
      );
      return h(
        "button.grid-cell",
        { type: "button", attrs: { "aria-label": "Open photo" }, on: { click: () => openPhoto(ref) } },
        img,
      );
    }),
  );
}

async function remove(id, refresh) {
  if (!confirm("Delete this moment?")) return;
  try {
    await call("DELETE", `/moments/${id}`);
    refresh(id);
  } catch (x) {
    toast(err(x), ".error");
  }
}

function compose(done) {
  modal("New moment", (close) => {
    const files = [];
    const text = h("textarea", { id: "mo-text", rows: 4, placeholder: "What's on your mind?", maxLength: 20000 });
    const previews = h("div.photo-grid.three.previews");
    const picker = h("input", { type: "file", id: "mo-photos", accept: "image/*,video/*", multiple: true });
    const place = h("input", { id: "mo-place", placeholder: "Where (optional)", maxLength: 100 });
    const kind = h(
      "select",
      { id: "mo-audience" },
      Object.entries(AUDIENCES).map(([k, v]) => h("option", { value: k }, v)),
    );
    const tags = [...new Set([...state.friends.values()].flatMap((f) => f.tags))].sort();
    const tagBoxes = tags.map((t) => h("label.check", {}, h("input", { type: "checkbox", value: t }), t));
    const tagBox = h(
      "fieldset.tag-box",
      { hidden: true },
      h("legend", {}, "Tags"),
      tagBoxes.length ? tagBoxes : h("p.muted", {}, "Give friends tags on their contact page first."),
    );
    const error = h("p.form-error", { attrs: { role: "alert" } });
    const submit = h("button.primary.wide", { type: "submit" }, "Post");
    kind.addEventListener("change", () => {
      tagBox.hidden = kind.value !== "only" && kind.value !== "except";
    });
    picker.addEventListener("change", () => {
      for (const f of picker.files) if (files.length < 9) files.push(f);
      previews.replaceChildren(
        ...files.map((f) => {
          const img = h("img", { alt: `Preview of ${f.name}` });
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
            submit.disabled = true;
            error.textContent = "";
            try {
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
              close(true);
              done();
            } catch (x) {
              error.textContent = err(x);
              submit.disabled = false;
            }
          },
        },
      },
      h("label.sr-only", { htmlFor: "mo-text" }, "Text"),
      text,
      previews,
      h("div.field", {}, h("label", { htmlFor: "mo-photos" }, "Photos (up to 9) or a video"), picker),
      h("div.field", {}, h("label", { htmlFor: "mo-place" }, "Place"), place),
      h("div.field", {}, h("label", { htmlFor: "mo-audience" }, "Who can see it"), kind),
      tagBox,
      error,
      submit,
    );
  });
}
