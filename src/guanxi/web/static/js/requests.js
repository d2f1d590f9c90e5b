// New friends: finding people by handle and friend requests, both ways (a greeting and a role;
// accepting with role, remark and tags, or declining).

import { call } from "./api.js";
import { avatar, clear, h, toast } from "./dom.js";
import { roleLabel } from "./format.js";
import { err, roleSelect, tagsOf } from "./contacts.js";
import { disposeAll, paneHeader } from "./pane.js";
import { pager } from "./pager.js";
import { loadConversations, loadFriends, loadMoreRequests, loadRequests, rememberUser, state, on } from "./state.js";

export function renderNewFriends(pane) {
  const result = h("div.find-result", { attrs: { "aria-live": "polite" } });
  const handle = h("input", {
    id: "find-handle",
    type: "search",
    placeholder: "their handle",
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
    h("label", { htmlFor: "find-handle" }, "Find people by handle"),
    h("div.inline", {}, handle, h("button.primary", { type: "submit" }, "Search")),
  );
  const requests = h("div");
  const more = pager("More requests", loadMoreRequests);
  clear(pane, paneHeader("New friends", "contacts"), h("div.page", {}, find, result, requests, more.el));
  const draw = () => {
    clear(requests, incoming(), outgoing());
    more.show(Boolean(state.requests.cursor));
  };
  draw();
  handle.focus();
  return disposeAll([on("requests", draw), more.dispose]);
}

async function lookUp(handle, box) {
  if (!handle) return;
  try {
    const profile = await call("GET", `/users/${encodeURIComponent(handle)}`);
    rememberUser(profile.user);
    clear(box, profileCard(profile));
  } catch (e) {
    clear(
      box,
      h("p.card.muted", {}, e.status === 404 || e.status === 422 ? `No one has the handle “${handle}”.` : err(e)),
    );
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
  if (user.handle === state.me.handle) return h("div.card", {}, head, h("p.muted", {}, "This is you."));
  if (profile.is_friend)
    return h(
      "div.card",
      {},
      head,
      h("a.primary.button", { href: `#/contacts/u/${encodeURIComponent(user.handle)}` }, "Open contact"),
    );
  const greeting = h("input", { id: "req-greeting", maxLength: 200, value: `Hi, I'm ${state.me.display_name}` });
  const role = roleSelect("req-role");
  const form = h(
    "form.stack",
    {
      on: {
        submit: async (e) => {
          e.preventDefault();
          try {
            await call("POST", "/friend-requests", { to: user.handle, greeting: greeting.value, role: role.value });
            toast("Friend request sent");
            form.replaceChildren(h("p.muted", {}, "Request sent. You can chat once they accept."));
            loadRequests();
          } catch (x) {
            toast(err(x), ".error");
          }
        },
      },
    },
    h("div.field", {}, h("label", { htmlFor: "req-greeting" }, "Greeting"), greeting),
    h("div.field", {}, h("label", { htmlFor: "req-role" }, "They are my"), role),
    h("button.primary", { type: "submit" }, "Send friend request"),
  );
  return h("div.card", {}, head, form);
}

function incoming() {
  const items = state.requests.incoming.map((r) => {
    const id = r.id;
    const role = roleSelect(`acc-role-${id}`, "acquaintance");
    const remark = h("input", { id: `acc-remark-${id}`, maxLength: 64, placeholder: r.from.display_name });
    const tags = h("input", { id: `acc-tags-${id}`, placeholder: "family, badminton" });
    const accept = async (e) => {
      e.preventDefault();
      try {
        await call("POST", `/friend-requests/${id}/accept`, {
          role: role.value,
          remark: remark.value.trim(),
          tags: tagsOf(tags.value),
        });
        toast(`You and ${r.from.display_name} are now friends`);
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
          h("p.greeting", {}, r.greeting || "(no greeting)"),
          h("p.muted", {}, `They call you: ${roleLabel(r.role)}`),
        ),
      ),
      h(
        "form.grid-form",
        { on: { submit: accept } },
        h("div.field", {}, h("label", { htmlFor: role.id }, "They are my"), role),
        h("div.field", {}, h("label", { htmlFor: remark.id }, "Remark"), remark),
        h("div.field", {}, h("label", { htmlFor: tags.id }, "Tags (comma separated)"), tags),
        h(
          "div.inline",
          {},
          h("button.primary", { type: "submit" }, "Accept"),
          h("button.secondary", { type: "button", on: { click: decline } }, "Decline"),
        ),
      ),
    );
  });
  return h(
    "section",
    {},
    h("h3.section-title", {}, "Requests to you"),
    items.length ? h("ul.plain", {}, items) : h("p.muted", {}, "None right now."),
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
        h("div", {}, h("strong", {}, r.to.display_name), h("span.muted", {}, ` @${r.to.handle} · waiting`)),
      ),
    ),
  );
  return items.length ? h("section", {}, h("h3.section-title", {}, "Sent by you"), h("ul.plain", {}, items)) : null;
}
