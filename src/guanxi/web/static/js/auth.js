// Sign up and log in.

import { call } from "./api.js";
import { whileBusy } from "./busy.js";
import { clear, h } from "./dom.js";
import { errorText, t } from "./i18n.js";

export function showAuth(root, done) {
  let mode = "login";
  const error = h("p.form-error", { attrs: { role: "alert" } });
  const handle = field(t("auth.handle"), "handle", {
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
    required: true,
    maxlength: HANDLE_MAX + 8, // room to see "too long" said, not a silent stop
  });
  // signing up: the rule under the field from the start, and what breaks it as it is typed
  const rule = h("p.field-hint", { id: "auth-handle-rule" }, t("auth.handleRule"));
  const problem = h("p.field-problem", { id: "auth-handle-problem", attrs: { "aria-live": "polite" } });
  handle.wrap.append(rule, problem);
  const checkHandle = (typing) => {
    const wrong = mode === "signup" ? handleProblem(sent(handle.input.value), typing) : "";
    problem.textContent = wrong;
    if (wrong) handle.input.setAttribute("aria-invalid", "true");
    else handle.input.removeAttribute("aria-invalid");
    return wrong;
  };
  handle.input.addEventListener("input", () => checkHandle(true));
  handle.input.addEventListener("change", () => checkHandle(false));
  const name = field(t("auth.displayName"), "display_name", { autocomplete: "nickname", maxlength: 64 });
  const password = field(t("auth.password"), "password", {
    type: "password",
    autocomplete: "current-password",
    required: true,
    minlength: 8,
  });
  const submit = h("button.primary.wide", { type: "submit" });
  const switcher = h("button.link", {
    type: "button",
    on: { click: () => setMode(mode === "login" ? "signup" : "login") },
  });
  const title = h("h1");
  const form = h(
    "form.auth-card",
    { attrs: { "aria-labelledby": "auth-title" }, on: { submit: send } },
    h("div.brand", {}, h("span.brand-mark", { attrs: { "aria-hidden": "true" } }, "关"), h("span", {}, "guanxi")),
    title,
    handle.wrap,
    name.wrap,
    password.wrap,
    error,
    submit,
    h("p.switch", {}, switcher),
  );
  title.id = "auth-title";

  function setMode(next) {
    mode = next;
    const signup = mode === "signup";
    title.textContent = signup ? t("auth.createTitle") : t("auth.welcome");
    submit.textContent = signup ? t("auth.signUp") : t("auth.logIn");
    switcher.textContent = signup ? t("auth.haveAccount") : t("auth.newHere");
    name.wrap.hidden = !signup;
    rule.hidden = !signup;
    if (signup) handle.input.setAttribute("aria-describedby", "auth-handle-rule auth-handle-problem");
    else handle.input.removeAttribute("aria-describedby");
    checkHandle(true);
    name.input.required = signup;
    password.input.autocomplete = signup ? "new-password" : "current-password";
    error.textContent = "";
  }

  async function send(event) {
    event.preventDefault();
    error.textContent = "";
    if (checkHandle(false)) {
      handle.input.focus();
      return;
    }
    const body = {
      handle: sent(handle.input.value),
      password: password.input.value,
      device: deviceName(navigator.userAgent),
    };
    if (mode === "signup") body.display_name = name.input.value.trim();
    const waiting = mode === "signup" ? t("auth.signingUp") : t("auth.loggingIn");
    let result;
    try {
      result = await whileBusy(submit, waiting, () =>
        call("POST", mode === "signup" ? "/accounts" : "/sessions", body),
      );
    } catch (e) {
      error.textContent = errorText(e);
      return;
    }
    done(result);
  }

  setMode(mode);
  clear(root, h("main.auth-page", {}, form));
  handle.input.focus();
}

// The server's rule for a handle (accounts/rules.py: HANDLE, RESERVED_PREFIXES); the server
// still decides, this only says sooner what it would refuse.
const HANDLE_MIN = 3;
const HANDLE_MAX = 32;
const RESERVED = ["deleted.", "imported."];

/** The handle as it is sent: trimmed, in small letters. */
const sent = (typed) => typed.trim().toLowerCase();

/** What is wrong with a handle, in words ("" when nothing): while `typing`, being still too
 *  short is not wrong yet (nor is an empty field, which `required` covers). */
export function handleProblem(value, typing = false) {
  const wrongChars = [...new Set(value.replace(/[a-z0-9_.]/g, ""))];
  if (wrongChars.length) {
    const shown = wrongChars.map((c) => (c.trim() ? c : t("auth.handleSpace"))).join(" ");
    return t("auth.handleChars", { chars: shown });
  }
  const reserved = RESERVED.find((prefix) => value.startsWith(prefix));
  if (reserved) return t("auth.handleReserved", { prefix: reserved });
  if (value.length > HANDLE_MAX) return t("auth.handleTooLong", { max: HANDLE_MAX });
  if (value.length < HANDLE_MIN && !(typing || value === "")) return t("auth.handleTooShort", { min: HANDLE_MIN });
  return "";
}

function field(label, name, attrs) {
  const input = h("input", { name, id: `auth-${name}`, attrs });
  const wrap = h("div.field", {}, h("label", { htmlFor: `auth-${name}` }, label), input);
  return { input, wrap };
}

const BROWSERS = [
  [/Edg\//, "Edge"],
  [/OPR\//, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS = [
  [/Android/, "Android"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Windows/, "Windows"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/CrOS/, "ChromeOS"],
  [/Linux/, "Linux"],
];

/** "Chrome · Linux": the name this login shows under Me → Password and devices, so that two
 * browsers can be told apart ("web" when the browser says nothing we know). */
export function deviceName(agent) {
  const browser = BROWSERS.find(([pattern]) => pattern.test(agent))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(agent))?.[1];
  if (browser && system) return `${browser} · ${system}`;
  return browser || system || "web";
}
