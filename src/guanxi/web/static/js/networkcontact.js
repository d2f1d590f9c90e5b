// One relationship in "My network" (GET /me/insight/contacts/{handle}): since when, how much
// and of which kinds we have shared, month by month, who starts and how fast each answers.

import { call } from "./api.js";
import { avatar, clear, h } from "./dom.js";
import { dateText, kindLabel, monthLabel, number, roleLabel } from "./format.js";
import { answerTime, circleName, since, stageChips, strengthBar } from "./networkparts.js";
import { paneHeader, statCard } from "./pane.js";
import { nameOf, state } from "./state.js";
import { errorText, t } from "./i18n.js";

const MONTHS_SHOWN = 12;

export function renderNetworkContact(pane, { handle }) {
  const body = h("div.network-figures", {}, h("p.muted", {}, t("history.reading")));
  clear(
    pane,
    paneHeader(t("history.title"), "me/network", [], t("network.onlyYou")),
    h("div.page.network-page", {}, body),
  );
  let live = true;
  call("GET", `/me/insight/contacts/${encodeURIComponent(handle)}`)
    .then((contact) => {
      if (live) clear(body, ...contactView(contact));
    })
    .catch((x) => {
      if (live) clear(body, h("p.form-error", {}, errorText(x)));
    });
  return () => {
    live = false;
  };
}

function contactView(c) {
  const who = state.friends.has(c.handle) ? nameOf(c.handle) : c.display_name;
  const sent = c.months.reduce((n, m) => n + m.sent, 0);
  const received = c.months.reduce((n, m) => n + m.received, 0);
  return [
    h(
      "section.card.contact-hero",
      {},
      avatar(who, c.handle, ".large"),
      h(
        "div.contact-hero-main",
        {},
        h("h3", {}, who),
        h(
          "p.muted",
          {},
          [`@${c.handle}`, roleLabel(c.role), c.circle ? circleName(c.circle) : ""].filter(Boolean).join(" · "),
        ),
        h("div.contact-hero-line", {}, stageChips(c), strengthBar(c.strength)),
        c.fading && c.last_interaction_at
          ? h("p.fading-text", {}, t("network.notTalked", { name: who, time: since(c.last_interaction_at) }))
          : null,
      ),
    ),
    h(
      "div.stat-grid.contact-grid",
      {},
      statCard(t("history.together"), [
        [t("history.since"), c.since ? dateText(c.since) : "–"],
        [t("history.for"), c.since ? since(c.since) : "–"],
        [t("messages.label"), number(sent + received)],
        [t("history.last"), c.last_interaction_at ? dateText(c.last_interaction_at) : "–"],
      ]),
      startsCard(c.starts, who),
      statCard(
        t("history.answers"),
        [
          [t("history.youAnswer"), answerTime(c.response_ms.me)],
          [t("history.theyAnswer", { name: who }), answerTime(c.response_ms.them)],
        ],
        h("p.small.muted", {}, t("history.median")),
      ),
      statCard(
        t("history.share"),
        [
          [t("history.youSent"), number(sent)],
          [t("history.youReceived"), number(received)],
        ],
        kindChips(c.kinds),
      ),
    ),
    monthsCard(c.months, who),
  ];
}

function startsCard(starts, who) {
  const total = starts.me + starts.them;
  const mine = total ? starts.me / total : 0;
  const fill = h("span.starts-me");
  fill.style.width = `${Math.round(mine * 100)}%`;
  return h(
    "section.card.stat-card",
    {},
    h("h3", {}, t("history.starts")),
    h("div.starts-bar", { attrs: { "aria-hidden": "true" } }, fill),
    h(
      "dl.stat-rows",
      {},
      h("div", {}, h("dt", {}, t("history.you")), h("dd", {}, `${starts.me} (${Math.round(mine * 100)}%)`)),
      h("div", {}, h("dt", {}, who), h("dd", {}, `${starts.them} (${total ? 100 - Math.round(mine * 100) : 0}%)`)),
    ),
  );
}

function kindChips(kinds) {
  const shown = Object.entries(kinds)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return shown.length
    ? h(
        "div.chips",
        {},
        shown.map(([k, n]) => h("span.chip", {}, `${kindLabel(k)} ${number(n)}`)),
      )
    : null;
}

function monthsCard(months, who) {
  const shown = months.slice(-MONTHS_SHOWN);
  const top = Math.max(1, ...shown.map((m) => m.sent + m.received));
  return h(
    "section.card.network-months",
    {},
    h("h3", {}, t("history.months")),
    shown.length
      ? h(
          "div.month-bars",
          { attrs: { role: "img", "aria-label": t("history.monthsLabel", { name: who }) } },
          shown.map((m) => monthBar(m, top)),
        )
      : h("p.muted", {}, t("history.noMessages")),
    h(
      "p.small.muted.month-legend",
      {},
      h("span.key.key-sent"),
      ` ${t("history.keySent")}  `,
      h("span.key.key-received"),
      ` ${t("history.keyReceived", { name: who })}`,
    ),
  );
}

function monthBar(m, top) {
  const column = h("span.month-column");
  const received = h("span.month-received");
  const sent = h("span.month-sent");
  received.style.height = `${(m.received / top) * 100}%`;
  sent.style.height = `${(m.sent / top) * 100}%`;
  column.append(received, sent);
  const label = monthLabel(m.month);
  return h(
    "div.month",
    { title: t("history.monthTitle", { month: m.month, sent: m.sent, received: m.received }) },
    column,
    h("span.month-label", {}, label),
  );
}
