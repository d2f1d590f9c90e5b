// My profile: display name, bio, who sees my past moments; logging out.

import { ApiError, call } from "./api.js";
import { avatar, clear, h, toast } from "./dom.js";
import { paneHeader } from "./pane.js";
import { state } from "./state.js";

export function renderMe(pane, _params, { signOut }) {
  const me = state.me;
  const name = h("input", { id: "me-name", value: me.display_name, maxLength: 64, required: true });
  const bio = h("textarea", { id: "me-bio", value: me.bio || "", rows: 3, maxLength: 500 });
  const save = async (e) => {
    e.preventDefault();
    try {
      state.me = await call("PATCH", "/me", { display_name: name.value.trim(), bio: bio.value });
      toast("Saved");
    } catch (x) {
      toast(x instanceof ApiError ? x.message : "Offline.", ".error");
    }
  };
  clear(
    pane,
    paneHeader("Me", null),
    h(
      "div.page",
      {},
      h(
        "div.card.profile-head",
        {},
        avatar(me.display_name, me.handle, ".large"),
        h("div", {}, h("h3", {}, me.display_name), h("p.muted", {}, `@${me.handle}`)),
      ),
      h(
        "form.card.stack",
        { on: { submit: save } },
        h("div.field", {}, h("label", { htmlFor: "me-name" }, "Display name"), name),
        h("div.field", {}, h("label", { htmlFor: "me-bio" }, "About me"), bio),
        h("button.primary", { type: "submit" }, "Save"),
      ),
      h(
        "div.card.stack",
        {},
        h("a.button.secondary", { href: `#/moments/${encodeURIComponent(me.handle)}` }, "My moments"),
        h("a.button.secondary", { href: "#/me/security" }, "Password and devices"),
        h("button.danger", { type: "button", on: { click: signOut } }, "Log out"),
      ),
    ),
  );
  return () => {};
}
