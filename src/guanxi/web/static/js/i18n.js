// The interface's words: every string a person sees comes from one catalogue per language
// (i18n/en.js, i18n/zh-CN.js), looked up by key with t("chat.typing") or, with values,
// t("chat.members", { count: 3 }). A value may be plural forms ({one, other}), chosen by
// Intl.PluralRules for `count`. The language is the one chosen in Me (kept on this device),
// else the browser's; switching redraws the screens (the shell listens to "language").

import en from "./i18n/en.js";
import zhCN from "./i18n/zh-CN.js";

const KEY = "guanxi.language";

/** The languages offered, each named in itself. */
export const LANGUAGES = [
  { code: "en", name: "English", strings: en },
  { code: "zh-CN", name: "简体中文", strings: zhCN },
];

const listeners = new Set();
let current = pick(stored());

function stored() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** A saved choice, else the browser's first language: zh* is Simplified Chinese, anything else English. */
function pick(saved) {
  if (LANGUAGES.some((l) => l.code === saved)) return saved;
  const wanted = navigator.languages?.length ? navigator.languages : [navigator.language || "en"];
  for (const tag of wanted) {
    const low = String(tag).toLowerCase();
    if (low.startsWith("zh")) return "zh-CN";
    if (low.startsWith("en")) return "en";
  }
  return "en";
}

/** The chosen language's code ("en", "zh-CN"). */
export function language() {
  return current;
}

/** The locale for Intl: English keeps the browser's own English (en-GB says 27 Nov, 24 h). */
export function intlLocale() {
  const browser = navigator.language || "en";
  return current === "en" && browser.toLowerCase().startsWith("en") ? browser : current;
}

/** Chooses a language (kept on this device) and tells whoever redraws. */
export function setLanguage(code) {
  if (!LANGUAGES.some((l) => l.code === code)) return;
  try {
    localStorage.setItem(KEY, code);
  } catch {
    // storage off: the choice lasts until the page is reloaded
  }
  if (code === current) return;
  current = code;
  markDocument();
  for (const fn of listeners) fn(code);
}

/** Called after each change of language; returns stop(). */
export function onLanguage(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function strings() {
  return LANGUAGES.find((l) => l.code === current).strings;
}

/** Whether the catalogue has `key` (for values the server names, such as error codes). */
export function has(key) {
  return Object.hasOwn(strings(), key);
}

/** The text of `key` in the chosen language, with {name} replaced by vars.name. */
export function t(key, vars = {}) {
  let text = strings()[key] ?? en[key];
  if (text === undefined) return key;
  if (typeof text === "object") {
    const form = new Intl.PluralRules(current).select(Number(vars.count ?? 0));
    text = text[form] ?? text.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? shown(vars[name]) : whole));
}

function shown(value) {
  return typeof value === "number" ? value.toLocaleString(intlLocale()) : String(value);
}

/** What to tell a person about a failed call: the catalogue's words for a known error code,
 *  else the server's own message; `offline` (or a general line) when the server was not reached. */
export function errorText(error, offline) {
  if (typeof error?.status !== "number") return offline || t("error.offline");
  return reasonText(error);
}

/** A server's error — an answer's (ApiError) or a failed job's `{code, message}` — in the
 *  chosen language: the catalogue's `error.<code>` (with the wait of a 429 or 503 as
 *  `seconds` and in words as `wait`, and the server's words as `detail`, which only the
 *  generic `invalid_input` shows: they name the field), else the server's own words
 *  (English), else a general line. */
export function reasonText(error) {
  const seconds = Math.max(1, Math.ceil(error?.retryAfter || 1));
  const vars = { seconds, wait: waitText(seconds), detail: error?.message || "" };
  if (error?.code && has(`error.${error.code}`)) return t(`error.${error.code}`, vars);
  return error?.message || t("error.unknown");
}

/** A wait in words: "5 hours" (the nearest hour, from two hours on), "12 minutes", "40 seconds"
 *  (rounded up). A day's limit frees a slot hours away: "68401 s" would mean nothing. */
export function waitText(seconds) {
  if (seconds >= 7200) return t("wait.hours", { count: Math.round(seconds / 3600) });
  if (seconds >= 60) return t("wait.minutes", { count: Math.ceil(seconds / 60) });
  return t("wait.seconds", { count: seconds });
}

/** Sets <html lang> to the chosen language. */
export function markDocument() {
  document.documentElement.lang = current;
}

markDocument();
