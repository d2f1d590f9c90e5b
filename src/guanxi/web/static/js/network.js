// My network (GET /me/insight and /me/insight/contacts): my circles as rings with the people
// in them, the relationships that are fading, how often my messages get an answer, how stable
// my network is, and every contact with stage, strength, role and circle. Only I see it.

import { call } from "./api.js";
import { avatar, clear, h } from "./dom.js";
import { dateText, roleLabel } from "./format.js";
import { circleName, networkHref, silence, stageChips, strengthBar } from "./networkparts.js";
import { layers, rings } from "./networkrings.js";
import { paneHeader } from "./pane.js";
import { nameOf, state } from "./state.js";
import { amount, number } from "./format.js";
import { errorText, t } from "./i18n.js";

const PAGE = 100;
const MAX_PAGES = 5; // at most 500 contacts read: a bounded screen, a bounded cost
const TABLE_ROWS = 30;
const WINDOWS = () => ({
  "1h": t("network.window1h"),
  "24h": t("network.window24h"),
  "7d": t("network.window7d"),
  ever: t("network.windowEver"),
});

export function renderNetwork(pane) {
  const body = h("div.network-figures", {}, h("p.muted", {}, t("network.reading")));
  clear(pane, paneHeader(t("me.network"), "me", [], t("network.onlyYou")), h("div.page.network-page", {}, body));
  let live = true;
  load(body, () => live);
  return () => {
    live = false;
  };
}

async function load(body, live) {
  try {
    const [summary, contacts] = await Promise.all([call("GET", "/me/insight"), loadContacts()]);
    if (!live()) return;
    const names = new Map(contacts.map((c) => [c.handle, c.display_name]));
    const name = (handle) => (state.friends.has(handle) ? nameOf(handle) : names.get(handle) || handle);
    clear(
      body,
      hero(summary.counts, summary.feedback_share, summary.rules),
      circlesCard(summary.circles, name),
      h(
        "div.network-grid",
        {},
        fadingCard(contacts, name),
        feedbackCard(summary.feedback_share),
        stabilityCard(summary.stability),
      ),
      contactsCard(contacts, name),
    );
  } catch (x) {
    if (live()) clear(body, h("p.form-error", {}, errorText(x)));
  }
}

async function loadContacts() {
  const all = [];
  let cursor = null;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await call(
      "GET",
      "/me/insight/contacts",
      undefined,
      cursor ? { cursor, limit: PAGE } : { limit: PAGE },
    );
    all.push(...page.contacts);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return all;
}

function percent(share) {
  return share === null || share === undefined ? "–" : `${Math.round(share * 100)}%`;
}

function fact(value, label) {
  return h("div.fact", {}, h("strong", {}, value), h("span.muted", {}, label));
}

function hero(counts, feedback, rules) {
  return h(
    "section.card.assets-hero.network-hero",
    {},
    h(
      "div",
      {},
      h(
        "p.assets-hero-big",
        {},
        `${t("network.contactCount", { count: counts.contacts })} · ${t("network.relationships", { count: counts.relationships })}`,
      ),
      h(
        "p.muted.network-stages",
        {},
        // when a contact becomes a relationship: this server's settings (GET /me/insight)
        t("network.relationshipIs", {
          weeks: rules.relationship_min_weeks,
          days: rules.relationship_min_span_days,
        }),
      ),
    ),
    h(
      "div.assets-hero-facts",
      {},
      fact(number(counts.close), t("stage.close")),
      fact(number(counts.fading), t("stage.fading")),
      fact(percent(feedback["24h"]), t("network.answeredDay")),
    ),
  );
}

// -- circles ------------------------------------------------------------------------------------

function circlesCard(circles, name) {
  const me = { handle: state.me.handle, name: state.me.display_name };
  const drawn = circles.filter((c) => c.size > 0);
  if (!drawn.length) {
    return h(
      "section.card.network-circles",
      {},
      h("h3", {}, t("network.circles")),
      h("p.muted", {}, t("network.circlesForming")),
    );
  }
  return h(
    "section.card.network-circles",
    {},
    h("h3", {}, t("network.circles")),
    h("div.rings-box", {}, rings(drawn, me, name, networkHref)),
    h(
      "div.circle-key",
      {},
      h(
        "ol.circle-legend",
        {},
        layers(drawn).map((c, i) => legendRow(c, drawn[i - 1], name)),
      ),
      h("p.small.muted.circles-are", {}, t("network.circlesAre")),
    ),
  );
}

// A ring's row: the circle with everyone inside it counted, how much bigger it is than the
// circle inside, and the people drawn in this ring (those new to it), as the rings show them.
function legendRow(circle, inner, name) {
  const ratio = inner?.size ? (circle.size / inner.size).toFixed(1) : null;
  const own = circle.own;
  const shown = own.slice(0, 12).map(name).join(t("common.listSeparator"));
  const more = own.length > 12 ? t("network.andMore", { count: own.length - 12 }) : "";
  return h(
    "li",
    { dataset: { circle: circle.name } },
    h("strong", {}, circleName(circle.name)),
    h("span.muted", {}, ` · ${t("network.inAll", { count: circle.size })}`),
    ratio
      ? h(
          "span.muted.circle-ratio",
          { title: t("network.ratioTitle", { ratio, inner: circleName(inner.name) }) },
          ` · ${t("network.ratio", { ratio })}`,
        )
      : null,
    h(
      "p.small.muted.circle-own",
      {},
      own.length ? t("network.inRing", { names: shown + more }) : t("network.ringEmpty"),
    ),
  );
}

// -- fading -------------------------------------------------------------------------------------

function fadingCard(contacts, name) {
  const fading = contacts.filter((c) => c.fading); // the strongest first, as listed
  const intro = h("p.muted.small", {}, t("network.fadingIntro"));
  const list = fading.length
    ? h(
        "ul.fading-list",
        {},
        fading.map((c) => fadingRow(c, name)),
      )
    : h("p.muted", {}, t("network.fadingNone"));
  return h("section.card.stack.network-fading", {}, h("h3", {}, t("network.fading")), intro, list);
}

function fadingRow(contact, name) {
  const who = name(contact.handle);
  const last = contact.last_interaction_at ? dateText(contact.last_interaction_at) : null;
  return h(
    "li.fading-row",
    { dataset: { handle: contact.handle } },
    avatar(who, contact.handle, ".small"),
    h(
      "div",
      {},
      h(
        "a.fading-text",
        { href: networkHref(contact.handle) },
        t("network.notTalked", { name: who, time: silence(contact.silent_days) }),
      ),
      h(
        "p.small.muted",
        {},
        [roleLabel(contact.role), last ? t("network.lastOn", { date: last }) : null].filter(Boolean).join(" · "),
      ),
    ),
  );
}

// -- feedback and stability ---------------------------------------------------------------------

function barRow(label, share, note = "") {
  const fill = h("span.share-fill");
  fill.style.width = `${Math.round((share ?? 0) * 100)}%`;
  return h(
    "div.share-row",
    {},
    h("span.share-label", {}, label),
    h("span.share-bar", {}, fill),
    h("strong.share-value", {}, note || percent(share)),
  );
}

function feedbackCard(feedback) {
  return h(
    "section.card.stat-card.network-feedback",
    {},
    h("h3", {}, t("network.answered")),
    Object.entries(WINDOWS()).map(([key, label]) => barRow(label, feedback[key])),
    h("p.small.muted", {}, t("network.answerIs")),
  );
}

function stabilityCard(stability) {
  const windows = stability.windows || [];
  return h(
    "section.card.stat-card.network-stability",
    {},
    h("h3", {}, t("network.steady")),
    windows.map((w) =>
      barRow(
        t("network.over", { days: amount(w.window_days, "day") }),
        w.jaccard,
        w.jaccard === null ? t("network.notYet") : "",
      ),
    ),
    h("p.small.muted", {}, t("network.steadyIs")),
  );
}

// -- every contact ------------------------------------------------------------------------------

function contactsCard(contacts, name) {
  if (!contacts.length) {
    return h(
      "section.card.network-contacts",
      {},
      h("h3", {}, t("network.everyone")),
      h("p.muted", {}, t("network.noOne")),
    );
  }
  const body = h("tbody");
  const fill = (rows) =>
    clear(
      body,
      rows.map((c) => contactRow(c, name)),
    );
  fill(contacts.slice(0, TABLE_ROWS));
  const more =
    contacts.length > TABLE_ROWS
      ? h(
          "button.secondary",
          {
            type: "button",
            on: {
              click: (e) => {
                fill(contacts);
                e.currentTarget.remove();
              },
            },
          },
          t("network.showAll", { count: contacts.length }),
        )
      : null;
  const head = [
    t("network.person"),
    t("network.stage"),
    t("network.strengthHead"),
    t("contacts.role"),
    t("network.circle"),
  ];
  // phones show person and strength; stage, role and circle go under the name
  return h(
    "section.card.network-contacts",
    {},
    h("h3", {}, t("network.everyone")),
    h(
      "div.table-scroll",
      {},
      h(
        "table.assets-table.network-table",
        { attrs: { "aria-label": t("network.contacts") } },
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
    more,
  );
}

function contactRow(c, name) {
  const who = name(c.handle);
  return h(
    "tr",
    { dataset: { handle: c.handle } },
    h(
      "th",
      { attrs: { scope: "row" } },
      h(
        "div.friend-cell",
        {},
        avatar(who, c.handle, ".small"),
        h(
          "span.friend-name",
          {},
          h("a", { href: networkHref(c.handle) }, who),
          h("span.role-sub", {}, [roleLabel(c.role), c.circle ? circleName(c.circle) : ""].filter(Boolean).join(" · ")),
          h("span.stage-sub", {}, stageChips(c)),
        ),
      ),
    ),
    h("td", {}, stageChips(c)),
    h("td", {}, strengthBar(c.strength)),
    h("td.role", {}, roleLabel(c.role) || "–"),
    h("td.circle", {}, c.circle ? circleName(c.circle) : "–"),
  );
}
