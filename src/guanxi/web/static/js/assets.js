// My assets: the ledger (GET /me/assets) — what I hold in total and per person, with each
// person's asset value (what we share, weighted by my tie's strength) — and the placeholder
// contacts my imports made, each of which I may link to a friend.

import { call } from "./api.js";
import { exportCard } from "./assetsexport.js";
import { avatar, clear, h, modal, toast } from "./dom.js";
import { amount, dayText, fileSize, KINDS, kindLabel, number, roleLabel } from "./format.js";
import { errorText, t } from "./i18n.js";
import { disposeAll, paneHeader, statCard } from "./pane.js";
import { on, state } from "./state.js";

const SOURCES = { whatsapp: "WhatsApp", telegram: "Telegram" }; // names of products: the same in every language
const DAY_MS = 86_400_000;

export function renderAssets(pane) {
  const body = h("div.assets-figures", {}, h("p.muted", {}, t("ledger.adding")));
  const exporter = exportCard(); // beside the figures: reloading them leaves it be
  clear(
    pane,
    paneHeader(t("me.assets"), "me", [], t("ledger.subtitle")),
    h("div.page.assets-page", {}, body, exporter.el),
  );
  let live = true;
  let loadedAt = 0;
  const reload = () => {
    loadedAt = Date.now();
    load(body, () => live, reload);
  };
  reload();
  // A link made on another device (placeholder.linked) changes what the ledger says; on this
  // device the link has reloaded it already (the ledger is rate-limited: read it once).
  const stop = on("assets", () => {
    if (Date.now() - loadedAt > 3000) reload();
  });
  return disposeAll([
    stop,
    exporter.dispose,
    () => {
      live = false;
    },
  ]);
}

async function load(body, live, reload) {
  try {
    const [ledger, placeholders] = await Promise.all([call("GET", "/me/assets"), loadPlaceholders()]);
    if (!live()) return;
    clear(
      body,
      summary(ledger.totals),
      totalsGrid(ledger.totals),
      friendTable(ledger.by_friend, ledger.next_cursor, live),
      placeholderCard(placeholders, () => linkChoices(ledger.by_friend), reload),
    );
  } catch (x) {
    if (live()) clear(body, h("p.form-error", {}, errorText(x)));
  }
}

// Every friend may take a link, not only those on the ledger's first page: the friends the app
// keeps (state.friends), else the friends this page shows.
function linkChoices(people) {
  if (!state.friends.size) return people.filter((f) => f.friend);
  return [...state.friends.values()].map((f) => ({
    handle: f.user.handle,
    display_name: f.user.display_name,
    remark: f.remark,
  }));
}

async function loadPlaceholders() {
  const all = [];
  let cursor = null;
  do {
    const page = await call("GET", "/me/placeholders", undefined, cursor ? { cursor, limit: 100 } : { limit: 100 });
    all.push(...page.placeholders);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

// -- totals -----------------------------------------------------------------------------------

function span(first, last) {
  if (!first) return t("ledger.noHistory");
  const days = Math.round((Date.parse(last) - Date.parse(first)) / DAY_MS) + 1;
  if (days < 60) return t("ledger.span", { time: amount(days, "day") });
  const years = days / 365.25;
  if (years < 1) return t("ledger.span", { time: amount(Math.round(days / 30.4), "month") });
  return t("ledger.span", { time: amount(Number(years.toFixed(years < 10 ? 1 : 0)), "year") });
}

function count(n) {
  return number(n);
}

function summary(totals) {
  const messages = totals.messages.sent.total + totals.messages.received.total;
  const range = totals.first_day ? `${dayText(totals.first_day)} – ${dayText(totals.last_day)}` : "";
  return h(
    "section.card.assets-hero",
    {},
    h("div", {}, h("p.assets-hero-big", {}, span(totals.first_day, totals.last_day)), h("p.muted", {}, range)),
    h(
      "div.assets-hero-facts",
      {},
      fact(count(messages), t("ledger.messages", { count: messages })),
      fact(fileSize(totals.media.sent.bytes + totals.media.received.bytes + totals.moments.bytes), t("ledger.ofMedia")),
      fact(count(totals.friends.total), t("ledger.friends", { count: totals.friends.total })),
      fact(valueText(totals.value.value), t("ledger.assetValue")),
    ),
    // what the asset value counts (src/guanxi/assets/value.py, docs/insight.md)
    h("p.small.muted.assets-value-is", {}, t("ledger.valueIs")),
  );
}

function fact(value, label) {
  return h("div.fact", {}, h("strong", {}, value), h("span.muted", {}, label));
}

function totalsGrid(totals) {
  return h(
    "div.stat-grid",
    {},
    statCard(
      t("messages.label"),
      [
        [t("ledger.sent"), count(totals.messages.sent.total)],
        [t("ledger.received"), count(totals.messages.received.total)],
      ],
      kindChips(totals.messages.sent.by_kind, totals.messages.received.by_kind),
    ),
    statCard(
      t("ledger.mediaInChats"),
      [
        [t("ledger.sent"), items(totals.media.sent.items, totals.media.sent.bytes)],
        [t("ledger.received"), items(totals.media.received.items, totals.media.received.bytes)],
      ],
      mediaChips(totals.media),
    ),
    statCard(t("section.moments"), [
      [t("ledger.posted"), count(totals.moments.count)],
      [t("ledger.photosVideos"), items(totals.moments.items, totals.moments.bytes)],
    ]),
    statCard(t("ledger.likesComments"), [
      [t("ledger.likesGiven"), count(totals.likes.given)],
      [t("ledger.likesReceived"), count(totals.likes.received)],
      [t("ledger.commentsGiven"), count(totals.comments.given)],
      [t("ledger.commentsReceived"), count(totals.comments.received)],
    ]),
    statCard(t("ledger.conversations"), [
      [t("ledger.direct"), count(totals.conversations.direct)],
      [t("ledger.groups"), count(totals.conversations.group)],
    ]),
    statCard(
      t("contacts.friends"),
      [[t("ledger.inAll"), count(totals.friends.total)]],
      roleChips(totals.friends.by_role),
    ),
  );
}

function chips(entries) {
  const shown = entries.filter(([, n]) => n > 0);
  return shown.length
    ? h(
        "div.chips",
        {},
        shown.map(([label, n]) => h("span.chip", {}, `${label} ${count(n)}`)),
      )
    : null;
}

function kindChips(sent, received) {
  return chips(KINDS.map((k) => [kindLabel(k), (sent[k] || 0) + (received[k] || 0)]));
}

function mediaChips(media) {
  return chips(
    Object.keys(media.sent.by_kind).map((k) => [
      kindLabel(k),
      media.sent.by_kind[k].items + media.received.by_kind[k].items,
    ]),
  );
}

function items(n, bytes) {
  if (!n) return t("ledger.none");
  return `${t("ledger.items", { count: n })} · ${fileSize(bytes)}`;
}

function roleChips(byRole) {
  return chips(Object.entries(byRole).map(([role, n]) => [roleLabel(role), n]));
}

// -- per person -------------------------------------------------------------------------------

function messagesOf(f) {
  return f.messages.sent.total + f.messages.received.total;
}

function valueText(v) {
  return number(Math.round(v * 10) / 10);
}

function tieText(f) {
  if (!f.insight) return "–";
  return `${number(Math.round(f.insight.strength * 100))}% · ${t(`stage.${f.insight.stage}`)}`;
}

// The server sends the highest value first, a page at a time; "More" asks for the next.
function moreButton(body, nextCursor, live) {
  const more = h("button.secondary.assets-more", { type: "button" }, t("common.more"));
  let cursor = nextCursor;
  more.hidden = !cursor;
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await call("GET", "/me/assets", undefined, { cursor, limit: 50 });
      if (!live()) return;
      body.append(...page.by_friend.map(friendRow));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (x) {
      toast(errorText(x), ".error");
    } finally {
      more.disabled = false;
    }
  });
  return more;
}

function friendTable(friends, nextCursor, live) {
  if (!friends.length) {
    return h("section.card", {}, h("h3", {}, t("ledger.withEach")), h("p.muted", {}, t("ledger.noOne")));
  }
  const body = h("tbody", {}, friends.map(friendRow));
  const head = [
    t("ledger.person"),
    t("contacts.role"),
    t("messages.label"),
    t("ledger.media"),
    t("kind.like"),
    t("kind.comment"),
    t("history.since"),
    t("ledger.tie"),
    t("ledger.value"),
  ];
  return h(
    "section.card.friend-assets",
    {},
    h("h3", {}, t("ledger.withEach")),
    h("p.muted", {}, t("ledger.valueNote")),
    h(
      "div.table-scroll",
      {},
      h(
        "table.assets-table",
        { attrs: { "aria-label": t("ledger.tableLabel") } },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            head.map((t) => h("th", { attrs: { scope: "col" } }, t)),
          ),
        ),
        body,
      ),
    ),
    moreButton(body, nextCursor, live),
  );
}

function friendRow(f) {
  const media = f.media.sent.items + f.media.received.items;
  const bytes = f.media.sent.bytes + f.media.received.bytes;
  const name = f.remark || f.display_name;
  return h(
    "tr",
    { dataset: { handle: f.handle } },
    h(
      "th",
      { attrs: { scope: "row" } },
      h(
        "div.friend-cell",
        {},
        avatar(name, f.handle, ".small"),
        h(
          "span.friend-name",
          {},
          f.friend ? h("a", { href: `#/contacts/u/${encodeURIComponent(f.handle)}` }, name) : h("span", {}, name),
          f.linked_placeholders
            ? h("span.chip.linked", { title: t("ledger.importedTitle") }, t("ledger.imported"))
            : null,
          f.placeholder_id ? h("span.chip", {}, t("ledger.importedContact")) : null,
          // Shown on a phone only, where the role, tie and value columns do not fit.
          h(
            "span.role-sub",
            {},
            [f.role ? roleLabel(f.role) : null, t("ledger.valueSub", { value: valueText(f.value) })]
              .filter(Boolean)
              .join(" · "),
          ),
        ),
      ),
    ),
    h("td.role", {}, f.role ? roleLabel(f.role) : "–"),
    h("td.num", {}, count(messagesOf(f))),
    h("td.num", {}, media ? `${count(media)} · ${fileSize(bytes)}` : "–"),
    h("td.num", {}, count(f.likes.given + f.likes.received)),
    h("td.num", {}, count(f.comments.given + f.comments.received)),
    h("td.since", {}, f.first_day ? dayText(f.first_day) : "–"),
    h("td.tie", {}, tieText(f)),
    h(
      "td.num.value",
      { title: t("ledger.valueTitle", { units: valueText(f.units), weight: number(f.weight.toFixed(2)) }) },
      valueText(f.value),
    ),
  );
}

// -- placeholders -----------------------------------------------------------------------------

function placeholderCard(placeholders, friends, changed) {
  const intro = h("p.muted", {}, t("ledger.placeholdersIntro"));
  const list = placeholders.length
    ? h(
        "ul.placeholder-list",
        {},
        placeholders.map((p) => placeholderRow(p, friends, changed)),
      )
    : h("p.muted", {}, t("ledger.placeholdersNone"));
  return h("section.card.stack.placeholders", {}, h("h3", {}, t("ledger.placeholders")), intro, list);
}

function placeholderRow(p, friends, changed) {
  const what = [
    t("ledger.placeholderMessages", { count: p.messages }),
    t("ledger.from", { source: p.source === "guanxi" ? t("ledger.archive") : SOURCES[p.source] || p.source }),
    p.handle ? t("ledger.was", { handle: p.handle }) : null,
  ];
  const linked = p.linked_to
    ? h("span.chip", {}, t("ledger.linkedTo", { handle: p.linked_to }))
    : h("span.muted.small", {}, t("ledger.notLinked"));
  const action = p.linked_to
    ? h("button.secondary", { type: "button", on: { click: () => link(p, null, changed) } }, t("ledger.unlink"))
    : h(
        "button.primary",
        { type: "button", on: { click: () => chooseFriend(p, friends, changed) } },
        t("ledger.linkToFriend"),
      );
  return h(
    "li.placeholder-row",
    { dataset: { placeholder: String(p.id) } },
    avatar(p.display_name, `p${p.id}`),
    h(
      "div.placeholder-main",
      {},
      h("strong", {}, p.display_name),
      h("p.muted", {}, what.filter(Boolean).join(" · ")),
      linked,
    ),
    action,
  );
}

async function chooseFriend(p, choices, changed) {
  const friends = choices();
  if (!friends.length) {
    toast(t("ledger.addFirst"), ".error");
    return;
  }
  const handle = await modal(t("ledger.linkTitle", { name: p.display_name }), (close) => {
    const select = h(
      "select",
      { id: "link-friend" },
      friends.map((f) => h("option", { value: f.handle }, `${f.remark || f.display_name} (@${f.handle})`)),
    );
    return h(
      "form.stack",
      {
        on: {
          submit: (e) => {
            e.preventDefault();
            close(select.value);
          },
        },
      },
      h("p.muted", {}, t("ledger.linkNote")),
      h("div.field", {}, h("label", { htmlFor: "link-friend" }, t("ledger.friend")), select),
      h("button.primary", { type: "submit" }, t("ledger.link")),
    );
  });
  if (handle) await link(p, handle, changed);
}

async function link(p, handle, changed) {
  try {
    await call("POST", `/me/placeholders/${p.id}/link`, { handle });
    toast(
      handle ? t("ledger.linked", { name: p.display_name, handle }) : t("ledger.unlinked", { name: p.display_name }),
    );
    changed();
  } catch (x) {
    toast(errorText(x), ".error");
  }
}
