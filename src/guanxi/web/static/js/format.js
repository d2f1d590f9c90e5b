// Times, days, sizes and durations as people read them, in the chosen language (i18n.js):
// every date and time goes through Intl with that language's locale, never the browser's
// own, so an English screen never says "周日" and a Chinese one never says "Yesterday".

import { intlLocale, t } from "./i18n.js";

const DAY = 86400000;

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

function daysAgo(d) {
  return Math.round((startOfDay(new Date()) - startOfDay(d)) / DAY);
}

function dateFormat(options) {
  return new Intl.DateTimeFormat(intlLocale(), options);
}

function capitalised(text) {
  return text.charAt(0).toLocaleUpperCase(intlLocale()) + text.slice(1);
}

/** "Today", "Yesterday" ("今天", "昨天"): Intl's relative words for 0 and -1 days. */
function relativeDay(days) {
  return capitalised(new Intl.RelativeTimeFormat(intlLocale(), { numeric: "auto" }).format(-days, "day"));
}

export function dayKey(iso) {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

/** A chat's day separator: "Today", "Yesterday", else "Friday, 27 November" (and the year when it is not this one). */
export function dayLabel(iso) {
  const d = new Date(iso);
  const diff = daysAgo(d);
  if (diff === 0 || diff === 1) return relativeDay(diff);
  const opts = { weekday: "long", month: "long", day: "numeric" };
  if (d.getFullYear() !== new Date().getFullYear()) opts.year = "numeric";
  return dateFormat(opts).format(d);
}

export function clockTime(iso) {
  return dateFormat({ hour: "2-digit", minute: "2-digit" }).format(new Date(iso));
}

/** A date with the month in words, never all digits: "27 Nov 2026", "2026年11月27日". */
export function dateText(iso, withYear = true) {
  const opts = { month: "short", day: "numeric" };
  if (withYear) opts.year = "numeric";
  return dateFormat(opts).format(new Date(iso));
}

/** A calendar day the server names as "2026-11-27", said like dateText. */
export function dayText(day) {
  return dateText(`${day}T12:00:00`);
}

/** Chat-list time: the hour today, "Yesterday", the weekday this week, else the date. */
export function shortTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const diff = daysAgo(d);
  if (diff === 0) return clockTime(iso);
  if (diff === 1) return relativeDay(1);
  if (diff > 1 && diff < 7) return dateFormat({ weekday: "short" }).format(d);
  return dateText(iso, d.getFullYear() !== new Date().getFullYear());
}

/** Moments time: "just now", "5 min. ago", "3 hr. ago", "2 days ago", else the date. */
export function agoTime(iso) {
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 60) return t("time.justNow");
  const ago = new Intl.RelativeTimeFormat(intlLocale(), { numeric: "always", style: "short" });
  if (seconds < 3600) return ago.format(-Math.floor(seconds / 60), "minute");
  if (seconds < 86400) return ago.format(-Math.floor(seconds / 3600), "hour");
  if (seconds < 7 * 86400) return ago.format(-Math.floor(seconds / 86400), "day");
  return dateText(iso);
}

/** A month as a chart's label: "Nov", "11月". */
export function monthLabel(yearMonth) {
  return dateFormat({ month: "short", timeZone: "UTC" }).format(new Date(`${yearMonth}-01T00:00:00Z`));
}

/** A number with the language's grouping: 12,345. */
export function number(n) {
  return Number(n).toLocaleString(intlLocale());
}

/** An amount of a unit of time said in words: "3 weeks", "3周"; `short` for "4 min", "4分钟". */
export function amount(n, unit, short = false) {
  const display = short ? "short" : "long";
  return new Intl.NumberFormat(intlLocale(), { style: "unit", unit, unitDisplay: display }).format(n);
}

export function fileSize(bytes) {
  if (bytes == null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

export function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return "";
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export const ROLES = [
  "family",
  "partner",
  "close_friend",
  "classmate",
  "colleague",
  "teacher",
  "student",
  "acquaintance",
];

/** A relationship role as the chosen language says it ("close friend", "好友"). */
export function roleLabel(role) {
  return role ? t(`role.${role}`) : "";
}

/** The kinds of message (and, in insight, of feedback) counted, in the order shown. */
export const KINDS = ["text", "emoji", "link", "image", "voice", "video", "file", "reaction", "like", "comment"];

/** A message kind in brackets, where its text would be: "[Photo]", "[图片]". */
export function kindTag(kind) {
  return t(`tag.${kind}`);
}

/** What a message (or, in insight, a feedback) kind is called in counts. */
export function kindLabel(kind) {
  return t(`kind.${kind}`);
}
