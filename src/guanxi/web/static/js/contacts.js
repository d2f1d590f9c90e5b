// Contacts: the friend list, finding people by handle, friend requests (greeting, role;
// accepting with role, remark and tags) and a contact page (role, remark, tags, block).

import { ApiError, call } from "./api.js";
import { avatar, clear, h, icon, toast } from "./dom.js";
import { ROLES, roleLabel } from "./format.js";
import { disposeAll, paneHeader } from "./pane.js";
import { navigate, onRoute, refresh } from "./router.js";
import {
  loadBlocks,
  loadConversations,
  loadFriends,
  loadMoreRequests,
  loadRequests,
  nameOf,
  on,
  rememberUser,
  state,
} from "./state.js";
import { pager } from "./pager.js";

const err = (e) => (e instanceof ApiError ? e.message : "The server cannot be reached.");

function roleSelect(id, value = "acquaintance") {
  return h(
    "select",
    { id },
    ROLES.map((r) => h("option", { value: r, selected: r === value }, roleLabel(r))),
  );
}

function tagsOf(text) {
  return [
    ...new Set(
      text
        .split(/[,，]/)
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

export function renderContactList(pane) {
  const list = h("ul.conv-list", { attrs: { "aria-label": "Friends" } });
  const newFriends = h("a.conv-item.special", { href: "#/contacts/new" });
  clear(
    pane,
    h("header.pane-head", {}, h("div.pane-title", {}, h("h2", {}, "Contacts"))),
    h("nav", { attrs: { "aria-label": "Contact tools" } }, newFriends),
    list,
  );
  const draw = () => {
    const n = state.requests.incoming.length;
    clear(
      newFriends,
      h("span.avatar.tool", { attrs: { "aria-hidden": "true" } }, icon("plus")),
      h(
        "span.conv-main",
        {},
        h("span.conv-title", {}, "New friends"),
        h("span.conv-preview", {}, "Find people by handle · requests"),
      ),
      n ? h("span.unread", {}, state.requests.cursor ? `${n}+` : String(n)) : null,
    );
    const friends = [...state.friends.values()].sort((a, b) =>
      nameOf(a.user.handle).localeCompare(nameOf(b.user.handle)),
    );
    const active = decodeURIComponent((location.hash.match(/^#\/contacts\/u\/(.+)$/) || [])[1] || "");
    clear(
      list,
      friends.length
        ? friends.map((f) =>
            h(
              "li",
              {},
              h(
                `a.conv-item${f.user.handle === active ? ".active" : ""}`,
                { href: `#/contacts/u/${encodeURIComponent(f.user.handle)}` },
                avatar(nameOf(f.user.handle), f.user.handle),
                h(
                  "span.conv-main",
                  {},
                  h("span.conv-title", {}, nameOf(f.user.handle)),
                  h("span.conv-preview", {}, [roleLabel(f.role), ...f.tags].filter(Boolean).join(" · ")),
                ),
              ),
            ),
          )
        : h("li.list-empty", {}, "No friends yet."),
    );
  };
  draw();
  return disposeAll([on("friends", draw), on("requests", draw), onRoute(draw)]);
}

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

export function renderContact(pane, { handle }) {
  const draw = async () => {
    let profile;
    try {
      profile = await call("GET", `/users/${encodeURIComponent(handle)}`);
    } catch (e) {
      return clear(
        pane,
        paneHeader("Contact", "contacts"),
        h("p.empty-detail", {}, e.status === 404 ? "No such person." : err(e)),
      );
    }
    rememberUser(profile.user);
    clear(pane, paneHeader(nameOf(handle), "contacts"), h("div.page", {}, profileCard2(profile)));
  };
  draw();
  return () => {};
}

function profileCard2(profile) {
  const user = profile.user;
  const friend = profile.friend;
  const head = h(
    "div.profile-head",
    {},
    avatar(nameOf(user.handle), user.handle, ".large"),
    h(
      "div",
      {},
      h("h3", {}, nameOf(user.handle)),
      h("p.muted", {}, friend?.remark ? `${user.display_name} · @${user.handle}` : `@${user.handle}`),
      user.bio ? h("p", {}, user.bio) : null,
    ),
  );
  const actions = h(
    "div.inline",
    {},
    friend ? h("button.primary", { type: "button", on: { click: () => openDirect(user.handle) } }, "Message") : null,
    h("a.button.secondary", { href: `#/moments/${encodeURIComponent(user.handle)}` }, "Moments"),
    h(
      "button.secondary",
      { type: "button", on: { click: () => toggleBlock(user.handle, profile.is_blocked) } },
      profile.is_blocked ? "Unblock" : "Block",
    ),
    friend ? h("button.danger", { type: "button", on: { click: () => unfriend(user.handle) } }, "Remove friend") : null,
  );
  return h(
    "div.stack",
    {},
    h("div.card", {}, head, actions),
    friend ? friendForm(user.handle, friend) : h("p.card.muted", {}, "Not your friend."),
  );
}

function friendForm(handle, friend) {
  const role = roleSelect("f-role", friend.role);
  const remark = h("input", { id: "f-remark", value: friend.remark, maxLength: 64 });
  const tags = h("input", { id: "f-tags", value: friend.tags.join(", ") });
  const hideMine = h("input", { type: "checkbox", id: "f-hide-mine", checked: friend.hide_my_moments });
  const hideTheirs = h("input", { type: "checkbox", id: "f-hide-theirs", checked: friend.hide_their_moments });
  const save = async (e) => {
    e.preventDefault();
    try {
      await call("PATCH", `/friends/${encodeURIComponent(handle)}`, {
        role: role.value,
        remark: remark.value.trim(),
        tags: tagsOf(tags.value),
        hide_my_moments: hideMine.checked,
        hide_their_moments: hideTheirs.checked,
      });
      await loadFriends();
      toast("Saved");
    } catch (x) {
      toast(err(x), ".error");
    }
  };
  return h(
    "form.card.grid-form",
    { on: { submit: save } },
    h("div.field", {}, h("label", { htmlFor: "f-role" }, "Role"), role),
    h("div.field", {}, h("label", { htmlFor: "f-remark" }, "Remark"), remark),
    h("div.field", {}, h("label", { htmlFor: "f-tags" }, "Tags (comma separated)"), tags),
    h("label.check", { htmlFor: "f-hide-mine" }, hideMine, "Hide my moments from them"),
    h("label.check", { htmlFor: "f-hide-theirs" }, hideTheirs, "Don't show me their moments"),
    h("p.muted", {}, `Friends since ${new Date(friend.since).toLocaleDateString()}`),
    h("button.primary", { type: "submit" }, "Save"),
  );
}

export async function openDirect(handle) {
  try {
    const conv = await call("POST", "/conversations", { kind: "direct", with: handle });
    await loadConversations();
    navigate(`chats/${conv.id}`);
  } catch (x) {
    toast(err(x), ".error");
  }
}

async function toggleBlock(handle, blocked) {
  if (!blocked && !confirm(`Block ${nameOf(handle)}? They will not be able to message you or see your profile.`))
    return;
  try {
    await call(blocked ? "DELETE" : "PUT", `/blocks/${encodeURIComponent(handle)}`);
    await Promise.all([loadBlocks(), loadFriends()]);
    toast(blocked ? "Unblocked" : "Blocked");
    refresh();
  } catch (x) {
    toast(err(x), ".error");
  }
}

async function unfriend(handle) {
  if (!confirm(`Remove ${nameOf(handle)} from your friends?`)) return;
  try {
    await call("DELETE", `/friends/${encodeURIComponent(handle)}`);
    await loadFriends();
    navigate("contacts");
  } catch (x) {
    toast(err(x), ".error");
  }
}
