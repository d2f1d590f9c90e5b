// Password and devices: change the password (the other devices are logged out), see the
// devices logged in and log any of them out, delete the account.

import { ApiError, call } from "./api.js";
import { clear, h, toast } from "./dom.js";
import { agoTime } from "./format.js";
import { paneHeader } from "./pane.js";

export function renderSecurity(pane, _params, { signOut }) {
  const list = h("ul.sessions", { attrs: { "aria-label": "Devices" } });
  clear(
    pane,
    paneHeader("Password and devices", "me"),
    h(
      "div.page",
      {},
      passwordForm(() => loadSessions(list)),
      h("section.card.stack", {}, h("h3", {}, "Devices logged in"), list),
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
      toast("Password changed; your other devices are logged out");
      changed();
    } catch (x) {
      toast(x instanceof ApiError ? x.message : "Offline.", ".error");
    }
  };
  return h(
    "form.card.stack",
    { on: { submit } },
    h("h3", {}, "Change password"),
    h("div.field", {}, h("label", { htmlFor: "pw-current" }, "Current password"), current),
    h("div.field", {}, h("label", { htmlFor: "pw-new" }, "New password"), fresh),
    h("button.primary", { type: "submit" }, "Change password"),
  );
}

async function loadSessions(list) {
  try {
    const { sessions } = await call("GET", "/sessions");
    clear(list, ...sessions.map((s) => sessionRow(s, () => loadSessions(list))));
  } catch (x) {
    toast(x instanceof ApiError ? x.message : "Offline.", ".error");
  }
}

function sessionRow(s, ended) {
  const name = s.device || "Unnamed device";
  const logOut = async () => {
    try {
      await call("DELETE", `/sessions/${s.id}`);
      toast(`${name} is logged out`);
      ended();
    } catch (x) {
      toast(x instanceof ApiError ? x.message : "Offline.", ".error");
    }
  };
  const action = s.current
    ? h("span.muted", {}, "This device")
    : h(
        "button.secondary",
        { type: "button", attrs: { "aria-label": `Log out ${name}` }, on: { click: logOut } },
        "Log out",
      );
  return h(
    "li.session-row",
    { dataset: { session: String(s.id) } },
    h("div", {}, h("strong", {}, name), h("p.muted", {}, `${s.address} · active ${agoTime(s.last_used_at)}`)),
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
    if (!window.confirm("Delete your account for good? Your messages stay in others' chats, from a deleted account."))
      return;
    try {
      await call("DELETE", "/me", { password: password.value });
      signOut(false);
    } catch (x) {
      toast(x instanceof ApiError ? x.message : "Offline.", ".error");
    }
  };
  return h(
    "form.card.stack",
    { on: { submit } },
    h("h3", {}, "Delete account"),
    h("p.muted", {}, "Your profile, friends, groups and moments go. Messages you sent stay in the others' chats."),
    h("div.field", {}, h("label", { htmlFor: "delete-password" }, "Password to confirm"), password),
    h("button.danger", { type: "submit" }, "Delete my account"),
  );
}
