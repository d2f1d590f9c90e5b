// Contacts: the friend list and a contact page (role, remark, tags, moments switches, block,
// remove). Finding people and friend requests are in requests.js.

import { call } from "./api.js";
import { avatar, clear, h, icon, toast } from "./dom.js";
import { dateText, ROLES, roleLabel } from "./format.js";
import { disposeAll, paneHeader } from "./pane.js";
import { roving } from "./roving.js";
import { navigate, onRoute, refresh } from "./router.js";
import { loadBlocks, loadConversations, loadFriends, nameOf, on, rememberUser, state } from "./state.js";
import { errorText, t } from "./i18n.js";

export const err = (e) => errorText(e);

export function roleSelect(id, value = "acquaintance") {
  return h(
    "select",
    { id },
    ROLES.map((r) => h("option", { value: r, selected: r === value }, roleLabel(r))),
  );
}

/** A friend's line in the list: the role, then the tags that do not merely repeat it
 * (a family member tagged 家人 reads "家人", not "家人 · 家人"). */
function friendLine(f) {
  const role = roleLabel(f.role);
  const same = (tag) => tag.toLocaleLowerCase() === role?.toLocaleLowerCase();
  return [role, ...f.tags.filter((tag) => !same(tag))].filter(Boolean).join(" · ");
}

export function tagsOf(text) {
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
  const list = h("ul.conv-list", { attrs: { "aria-label": t("contacts.friends") } });
  const newFriends = h("a.conv-item.special", { href: "#/contacts/new" });
  clear(
    pane,
    h("header.pane-head", {}, h("div.pane-title", {}, h("h2", {}, t("section.contacts")))),
    h("nav", { attrs: { "aria-label": t("contacts.tools") } }, newFriends),
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
        h("span.conv-title", {}, t("requests.title")),
        h("span.conv-preview", {}, t("contacts.newFriendsHint")),
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
                  h("span.conv-preview", {}, friendLine(f)),
                ),
              ),
            ),
          )
        : h("li.list-empty", {}, t("contacts.none")),
    );
  };
  draw();
  return disposeAll([
    on("friends", draw),
    on("requests", draw),
    onRoute(draw),
    roving(list, "a.conv-item", { key: (el) => el.getAttribute("href") }), // one tab stop, ↑ ↓ between friends
  ]);
}

export function renderContact(pane, { handle }) {
  const draw = async () => {
    let profile;
    try {
      profile = await call("GET", `/users/${encodeURIComponent(handle)}`);
    } catch (e) {
      return clear(
        pane,
        paneHeader(t("contacts.contact"), "contacts"),
        h("p.empty-detail", {}, e.status === 404 ? t("contacts.noSuchPerson") : err(e)),
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
    friend
      ? h("button.primary", { type: "button", on: { click: () => openDirect(user.handle) } }, t("contacts.message"))
      : null,
    h("a.button.secondary", { href: `#/moments/${encodeURIComponent(user.handle)}` }, t("section.moments")),
    h(
      "button.secondary",
      { type: "button", on: { click: () => toggleBlock(user.handle, profile.is_blocked) } },
      profile.is_blocked ? t("contacts.unblock") : t("contacts.block"),
    ),
    friend
      ? h("button.danger", { type: "button", on: { click: () => unfriend(user.handle) } }, t("contacts.remove"))
      : null,
  );
  return h(
    "div.stack",
    {},
    h("div.card", {}, head, actions),
    friend
      ? friendForm(user.handle, friend)
      : user.handle === state.me.handle || profile.is_blocked
        ? h("p.card.muted", {}, t("contacts.notFriend"))
        : strangerCard(profile), // "Add friend", under the friend-request rules
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
      toast(t("common.saved"));
    } catch (x) {
      toast(err(x), ".error");
    }
  };
  return h(
    "form.card.grid-form",
    { on: { submit: save } },
    h("div.field", {}, h("label", { htmlFor: "f-role" }, t("contacts.role")), role),
    h("div.field", {}, h("label", { htmlFor: "f-remark" }, t("contacts.remark")), remark),
    h("div.field", {}, h("label", { htmlFor: "f-tags" }, t("contacts.tags")), tags),
    h("label.check", { htmlFor: "f-hide-mine" }, hideMine, t("contacts.hideMine")),
    h("label.check", { htmlFor: "f-hide-theirs" }, hideTheirs, t("contacts.hideTheirs")),
    h("p.muted", {}, t("contacts.since", { date: dateText(friend.since) })),
    h("button.primary", { type: "submit" }, t("common.save")),
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
  if (!blocked && !confirm(t("contacts.blockConfirm", { name: nameOf(handle) }))) return;
  try {
    await call(blocked ? "DELETE" : "PUT", `/blocks/${encodeURIComponent(handle)}`);
    await Promise.all([loadBlocks(), loadFriends()]);
    toast(blocked ? t("contacts.unblocked") : t("contacts.blocked"));
    refresh();
  } catch (x) {
    toast(err(x), ".error");
  }
}

async function unfriend(handle) {
  if (!confirm(t("contacts.removeConfirm", { name: nameOf(handle) }))) return;
  try {
    await call("DELETE", `/friends/${encodeURIComponent(handle)}`);
    await loadFriends();
    navigate("contacts");
  } catch (x) {
    toast(err(x), ".error");
  }
}

/** Someone I am not friends with (met in a group, say): "Add friend" opens a request. */
function strangerCard(profile) {
  return h(
    "div.card.stack",
    {},
    h("p.muted", {}, t("contacts.notFriend")),
    h(
      "a.button.primary",
      { href: `#/contacts/new/${encodeURIComponent(profile.user.handle)}` },
      t("chatActions.addFriend"),
    ),
  );
}
