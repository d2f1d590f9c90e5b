// What the "My network" screens share: a contact's link, stage chips, strength bar, and
// silences and durations said as people say them.

import { h } from "./dom.js";
import { amount } from "./format.js";
import { has, t } from "./i18n.js";

const DAY_MS = 86_400_000;

export function networkHref(handle) {
  return `#/me/network/${encodeURIComponent(handle)}`;
}

/** "5 days", "3 weeks", "4 months", "1 year" (Intl's units, in the chosen language). */
export function silence(days) {
  if (days === null || days === undefined) return t("network.aWhile");
  if (days < 14) return amount(days, "day");
  if (days < 60) return amount(Math.round(days / 7), "week");
  const months = Math.round(days / 30.44);
  if (months < 12) return amount(months, "month");
  return amount(Math.round(days / 365.25), "year");
}

/** Since a time in ms: "4 months", said like `silence`. */
export function since(ms) {
  return silence(Math.max(0, Math.floor((Date.now() - ms) / DAY_MS)));
}

/** A median answer time in ms: "4 min", "2 hr", "3 days". */
export function answerTime(ms) {
  if (ms === null || ms === undefined) return "–";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return t("network.underMinute");
  if (minutes < 90) return amount(minutes, "minute", true);
  const hours = Math.round(minutes / 60);
  return hours < 48 ? amount(hours, "hour", true) : amount(Math.round(hours / 24), "day");
}

/** A stage ("contact", "relationship", "close") as the chosen language says it. */
export function stageName(stage) {
  return has(`stage.${stage}`) ? t(`stage.${stage}`) : stage;
}

/** A circle's name ("support clique", …) as the chosen language says it. */
export function circleName(name) {
  const id = String(name).replaceAll(" ", "_");
  return has(`circle.${id}`) ? t(`circle.${id}`) : name;
}

export function stageChips(contact) {
  return h(
    "span.stage-chips",
    {},
    h(`span.chip.stage.stage-${contact.stage}`, {}, stageName(contact.stage)),
    contact.fading ? h("span.chip.stage.stage-fading", {}, t("stage.fading")) : null,
  );
}

export function strengthBar(strength) {
  const value = Math.max(0, Math.min(1, strength ?? 0));
  const fill = h("span.strength-fill");
  fill.style.width = `${Math.round(value * 100)}%`;
  return h(
    "span.strength",
    { title: t("network.strength", { value: value.toFixed(2) }) },
    h("span.strength-bar", { attrs: { "aria-hidden": "true" } }, fill),
    h("span.strength-value", {}, value.toFixed(2)),
  );
}
