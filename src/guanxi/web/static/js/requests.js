// New friends: finding people by handle and friend requests, both ways (a greeting and a role;
// accepting with role, remark and tags, or declining).

import { call } from "./api.js";
import { avatar, clear, h, toast } from "./dom.js";
import { roleLabel } from "./format.js";
import { err, openDirect, roleSelect, tagsOf } from "./contacts.js";
import { disposeAll, paneHeader } from "./pane.js";
import { pager } from "./pager.js";
import { loadConversations, loadFriends, loadMoreRequests, loadRequests, rememberUser, state, on } from "./state.js";
import { t } from "./i18n.js";

export function renderNewFriends(pane, params = {}) {
  const result = h("div.find-result", { attrs: { "aria-live": "polite" } });
  const handle = h("input", {
    id: "find-handle",
    type: "search",
    placeholder: t("requests.theirHandle"),
    attrs: { autocapitalize: "none", autocomplete: "off", spellcheck: "false" },
  });
  const find = h(
    "form.card.find",
    {
      on: {
        submit: (e) => {
          e.preventDefault();
          lookUp(handle.value.trim().toLowerCase().replace(/^@/, ""), result);
        },
      },
    },
    h("label", { htmlFor: "find-handle" }, t("requests.find")),
    h("div.inline", {}, handle, h("button.primary", { type: "submit" }, t("search.placeholder"))),
  );
  const requests = h("div");
  const accepted = h("div.accepted", { attrs: { "aria-live": "polite" } });
  const more = pager(t("requests.more"), loadMoreRequests);
  clear(
    pane,
    paneHeader(t("requests.title"), "contacts"),
    h("div.page", {}, find, result, accepted, requests, more.el),
  );
  const draw = () => {
    clear(requests, incoming(accepted), outgoing());
    more.show(Boolean(state.requests.cursor));
  };
  draw();
  handle.focus();
  if (params.handle) {
    // "Add friend" on someone's profile (met in a group, say): looked up at once
    handle.value = params.handle;
    lookUp(params.handle, result);
  }
  return disposeAll([on("requests", draw), more.dispose]);
}

async function lookUp(handle, box) {
  if (!handle) return;
  try {
    const profile = await call("GET", `/users/${encodeURIComponent(handle)}`);
    rememberUser(profile.user);
    clear(box, profileCard(profile));
  } catch (e) {
    clear(box, h("p.card.muted", {}, e.status === 404 || e.status === 422 ? t("requests.noOne", { handle }) : err(e)));
  }
}

function profileCard(profile) {
  const user = profile.user;
  const head = h(
    "div.profile-head",
    {},
    avatar(user.display_name, user.handle, ".large"),
    h(
      "div",
      {},
      h("h3", {}, user.display_name),
      h("p.muted", {}, `@${user.handle}`),
      user.bio ? h("p", {}, user.bio) : null,
    ),
  );
  if (user.handle === state.me.handle) return h("div.card", {}, head, h("p.muted", {}, t("requests.you")));
  if (profile.is_friend)
    return h(
      "div.card",
      {},
      head,
      h("a.primary.button", { href: `#/contacts/u/${encodeURIComponent(user.handle)}` }, t("requests.open")),
    );
  return h("div.card", {}, head, requestForm(user));
}

/** A friend request to someone: a greeting and what they are to me. */
export function requestForm(user) {
  const greeting = h("input", {
    id: "req-greeting",
    maxLength: 200,
    value: t("requests.greetingText", { name: state.me.display_name }),
  });
  const role = roleSelect("req-role");
  const form = h(
    "form.stack",
    {
      on: {
        submit: async (e) => {
          e.preventDefault();
          try {
            await call("POST", "/friend-requests", { to: user.handle, greeting: greeting.value, role: role.value });
            toast(t("requests.sent"));
            form.replaceChildren(h("p.muted", {}, t("requests.sentNote")));
            loadRequests();
          } catch (x) {
            toast(err(x), ".error");
          }
        },
      },
    },
    h("div.field", {}, h("label", { htmlFor: "req-greeting" }, t("requests.greeting")), greeting),
    h("div.field", {}, h("label", { htmlFor: "req-role" }, t("requests.theyAre")), role),
    h("button.primary", { type: "submit" }, t("requests.send")),
  );
  return form;
}

/** A role to choose, none chosen yet: accepting asks for one (no silent "acquaintance"). */
function chooseRole(id) {
  const select = roleSelect(id, "");
  select.required = true;
  select.prepend(h("option", { value: "", disabled: true, selected: true }, t("requests.choose")));
  return select;
}

/** After accepting: who is now a friend, and "Send message" to them. */
function acceptedCard(user) {
  return h(
    "div.card.accepted-card",
    {},
    h("p", {}, t("requests.nowFriends", { name: user.display_name })),
    h("button.primary", { type: "button", on: { click: () => openDirect(user.handle) } }, t("requests.sendMessage")),
  );
}

function incoming(accepted) {
  const items = state.requests.incoming.map((r) => {
    const id = r.id;
    const role = chooseRole(`acc-role-${id}`);
    const remark = h("input", { id: `acc-remark-${id}`, maxLength: 64, placeholder: r.from.display_name });
    const tags = h("input", { id: `acc-tags-${id}`, placeholder: t("requests.tagsExample") });
    const accept = async (e) => {
      e.preventDefault();
      try {
        await call("POST", `/friend-requests/${id}/accept`, {
          role: role.value,
          remark: remark.value.trim(),
          tags: tagsOf(tags.value),
        });
        clear(accepted, acceptedCard(r.from));
        await Promise.all([loadRequests(), loadFriends(), loadConversations()]);
      } catch (x) {
        toast(err(x), ".error");
      }
    };
    const decline = async () => {
      try {
        await call("POST", `/friend-requests/${id}/decline`);
        loadRequests();
      } catch (x) {
        toast(err(x), ".error");
      }
    };
    return h(
      "li.card.request",
      { dataset: { from: r.from.handle } },
      h(
        "div.profile-head",
        {},
        avatar(r.from.display_name, r.from.handle),
        h(
          "div",
          {},
          h("strong", {}, r.from.display_name),
          h("span.muted", {}, ` @${r.from.handle}`),
          h("p.greeting", {}, r.greeting || t("requests.noGreeting")),
          h("p.muted", {}, t("requests.theyCall", { role: roleLabel(r.role) })),
        ),
      ),
      h(
        "form.grid-form",
        { on: { submit: accept } },
        h("div.field", {}, h("label", { htmlFor: role.id }, t("requests.theyAre")), role),
        h("div.field", {}, h("label", { htmlFor: remark.id }, t("contacts.remark")), remark),
        h("div.field", {}, h("label", { htmlFor: tags.id }, t("contacts.tags")), tags),
        h(
          "div.inline",
          {},
          h("button.primary", { type: "submit" }, t("common.accept")),
          h("button.secondary", { type: "button", on: { click: decline } }, t("common.decline")),
        ),
      ),
    );
  });
  return h(
    "section",
    {},
    h("h3.section-title", {}, t("requests.incoming")),
    items.length ? h("ul.plain", {}, items) : h("p.muted", {}, t("requests.none")),
  );
}

function outgoing() {
  const items = state.requests.outgoing.map((r) =>
    h(
      "li.card.request",
      {},
      h(
        "div.profile-head",
        {},
        avatar(r.to.display_name, r.to.handle),
        h(
          "div",
          {},
          h("strong", {}, r.to.display_name),
          h("span.muted", {}, ` @${r.to.handle} · ${t("requests.waiting")}`),
        ),
      ),
    ),
  );
  return items.length
    ? h("section", {}, h("h3.section-title", {}, t("requests.outgoing")), h("ul.plain", {}, items))
    : null;
}
