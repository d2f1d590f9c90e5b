// Password and devices: change the password (the other devices are logged out), see the
// devices logged in and log any of them out, delete the account.

import { call } from "./api.js";
import { clear, h, toast } from "./dom.js";
import { agoTime } from "./format.js";
import { paneHeader } from "./pane.js";
import { errorText, t } from "./i18n.js";

export function renderSecurity(pane, _params, { signOut }) {
  const list = h("ul.sessions", { attrs: { "aria-label": t("security.devices") } });
  clear(
    pane,
    paneHeader(t("me.security"), "me"),
    h(
      "div.page",
      {},
      passwordForm(() => loadSessions(list)),
      h("section.card.stack", {}, h("h3", {}, t("security.loggedIn")), list),
      deleteForm(signOut),
    ),
  );
  loadSessions(list);
  return () => {};
}

function passwordForm(changed) {
  const current = h("input", { id: "pw-current", type: "password", autocomplete: "current-password", required: true });
  const fresh = h("input", {
    id: "pw-new",
    type: "password",
    autocomplete: "new-password",
    required: true,
    minLength: 8,
  });
  const submit = async (e) => {
    e.preventDefault();
    try {
      await call("POST", "/me/password", { current_password: current.value, new_password: fresh.value });
      current.value = fresh.value = "";
      toast(t("security.changed"));
      changed();
    } catch (x) {
      toast(errorText(x), ".error");
    }
  };
  return h(
    "form.card.stack",
    { on: { submit } },
    h("h3", {}, t("security.change")),
    h("div.field", {}, h("label", { htmlFor: "pw-current" }, t("security.current")), current),
    h("div.field", {}, h("label", { htmlFor: "pw-new" }, t("security.new")), fresh),
    h("button.primary", { type: "submit" }, t("security.change")),
  );
}

async function loadSessions(list) {
  try {
    const { sessions } = await call("GET", "/sessions");
    clear(list, ...sessions.map((s) => sessionRow(s, () => loadSessions(list))));
  } catch (x) {
    toast(errorText(x), ".error");
  }
}

function sessionRow(s, ended) {
  const name = s.device || t("security.unnamed");
  const logOut = async () => {
    try {
      await call("DELETE", `/sessions/${s.id}`);
      toast(t("security.loggedOut", { name }));
      ended();
    } catch (x) {
      toast(errorText(x), ".error");
    }
  };
  const action = s.current
    ? h("span.muted", {}, t("security.thisDevice"))
    : h(
        "button.secondary",
        { type: "button", attrs: { "aria-label": t("security.logOutDevice", { name }) }, on: { click: logOut } },
        t("me.logOut"),
      );
  return h(
    "li.session-row",
    { dataset: { session: String(s.id) } },
    h(
      "div",
      {},
      h("strong", {}, name),
      h("p.muted", {}, t("security.active", { address: s.address, time: agoTime(s.last_used_at) })),
    ),
    action,
  );
}

function deleteForm(signOut) {
  const password = h("input", {
    id: "delete-password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const submit = async (e) => {
    e.preventDefault();
    if (!window.confirm(t("security.deleteConfirm"))) return;
    try {
      await call("DELETE", "/me", { password: password.value });
      signOut(false);
    } catch (x) {
      toast(errorText(x), ".error");
    }
  };
  return h(
    "form.card.stack",
    { on: { submit } },
    h("h3", {}, t("security.delete")),
    h("p.muted", {}, t("security.deleteNote")),
    h("div.field", {}, h("label", { htmlFor: "delete-password" }, t("security.confirmPassword")), password),
    h("button.danger", { type: "submit" }, t("security.deleteButton")),
  );
}
