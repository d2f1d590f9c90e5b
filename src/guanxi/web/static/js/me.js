// My profile: picture (me-picture.js) and, under it, the list of my other screens — moments,
// network, assets (ledger and export), security (password, devices) — as in Telegram's or
// WeChat's settings; then display name, bio, the interface's language, the theme,
// notifications, and logging out. On a desktop the two sit side by side: all in view.

import { call } from "./api.js";
import { clear, h, icon, toast } from "./dom.js";
import { pictureCard } from "./me-picture.js";
import { paneHeader } from "./pane.js";
import { state } from "./state.js";
import { notifyCard } from "./notify-settings.js";
import { errorText, LANGUAGES, language, setLanguage, t } from "./i18n.js";
import { setTheme, THEMES, themeChoice } from "./theme.js";

export function renderMe(pane, _params, { signOut }) {
  const me = state.me;
  const name = h("input", { id: "me-name", value: me.display_name, maxLength: 64, required: true });
  const bio = h("textarea", { id: "me-bio", value: me.bio || "", rows: 3, maxLength: 500 });
  const save = async (e) => {
    e.preventDefault();
    try {
      state.me = await call("PATCH", "/me", { display_name: name.value.trim(), bio: bio.value });
      toast(t("common.saved"));
    } catch (x) {
      toast(errorText(x), ".error");
    }
  };
  clear(
    pane,
    paneHeader(t("section.me"), null),
    h(
      "div.page.me-page",
      {},
      h("div.me-side", {}, pictureCard(), sectionList(me)),
      h(
        "div.me-main",
        {},
        h(
          "form.card.stack",
          { on: { submit: save } },
          h("div.field", {}, h("label", { htmlFor: "me-name" }, t("auth.displayName")), name),
          h("div.field", {}, h("label", { htmlFor: "me-bio" }, t("me.about")), bio),
          h("button.primary", { type: "submit" }, t("common.save")),
        ),
        languageCard(),
        themeCard(),
        notifyCard(),
        h("div.card.stack", {}, h("button.danger", { type: "button", on: { click: signOut } }, t("me.logOut"))),
      ),
    ),
  );
  return () => {};
}

/** My other screens, a row each (icon, name, ›). */
function sectionList(me) {
  const row = (href, glyph, label) =>
    h("li", {}, h("a.me-link", { href }, icon(glyph), h("span", {}, label), icon("next")));
  return h(
    "nav.card.me-sections",
    { attrs: { "aria-label": t("me.sections") } },
    h(
      "ul",
      {},
      row(`#/moments/${encodeURIComponent(me.handle)}`, "moments", t("me.moments")),
      row("#/me/network", "group", t("me.network")),
      row("#/me/assets", "file", t("me.assets")),
      row("#/me/security", "lock", t("me.security")),
    ),
  );
}

/** The interface's language: each named in itself; choosing one redraws every screen. */
function languageCard() {
  const select = h(
    "select",
    { id: "me-language" },
    LANGUAGES.map((l) => h("option", { value: l.code, selected: l.code === language(), lang: l.code }, l.name)),
  );
  select.addEventListener("change", () => setLanguage(select.value));
  return h("div.card.stack", {}, h("div.field", {}, h("label", { htmlFor: "me-language" }, t("me.language")), select));
}

/** Light, dark, or as the system: kept on this device, applied at once. */
function themeCard() {
  const select = h(
    "select",
    { id: "me-theme" },
    THEMES.map((name) => h("option", { value: name, selected: name === themeChoice() }, t(`theme.${name}`))),
  );
  select.addEventListener("change", () => setTheme(select.value));
  return h("div.card.stack", {}, h("div.field", {}, h("label", { htmlFor: "me-theme" }, t("me.theme")), select));
}
