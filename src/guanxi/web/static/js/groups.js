// Groups: create one, and the group page (members, add, remove, rename, announcement, leave).

import { call } from "./api.js";
import { avatar, clear, h, iconButton, modal, toast } from "./dom.js";
import { paneHeader } from "./pane.js";
import { navigate } from "./router.js";
import { forgetConversation, loadConversation, myRole, nameOf, on, rememberUser, state } from "./state.js";
import { PAGE, pager } from "./pager.js";
import { errorText, t } from "./i18n.js";
import { profileLink } from "./chatactions.js";

function friendPicker(exclude = new Set()) {
  const friends = [...state.friends.values()].filter((f) => !exclude.has(f.user.handle));
  if (friends.length === 0) return { el: h("p.muted", {}, t("group.noFriends")), chosen: () => [] };
  const boxes = friends.map((f) => {
    const box = h("input", { type: "checkbox", value: f.user.handle, id: `pick-${f.user.handle}` });
    return {
      box,
      el: h(
        "label.pick",
        { htmlFor: box.id },
        box,
        avatar(nameOf(f.user.handle), f.user.handle, ".small"),
        h("span", {}, nameOf(f.user.handle)),
        h("small.muted", {}, ` @${f.user.handle}`),
      ),
    };
  });
  return {
    el: h(
      "div.pick-list",
      { attrs: { role: "group", "aria-label": t("contacts.friends") } },
      boxes.map((b) => b.el),
    ),
    chosen: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value),
  };
}

export function createGroup(preselect = []) {
  modal(t("group.new"), (close) => {
    const name = h("input", { id: "group-name", required: true, maxLength: 64, attrs: { autocomplete: "off" } });
    const picker = friendPicker();
    for (const input of picker.el.querySelectorAll("input")) input.checked = preselect.includes(input.value);
    const error = h("p.form-error", { attrs: { role: "alert" } });
    const form = h(
      "form.stack",
      {
        on: {
          submit: async (e) => {
            e.preventDefault();
            try {
              const conv = await call("POST", "/conversations", {
                kind: "group",
                name: name.value.trim(),
                members: picker.chosen(),
              });
              close(conv);
              toldInvited(conv.invited);
              await loadConversation(conv.id);
              navigate(`chats/${conv.id}`);
            } catch (err) {
              error.textContent = errorText(err);
            }
          },
        },
      },
      h("div.field", {}, h("label", { htmlFor: "group-name" }, t("group.name")), name),
      h("p.field-label", {}, t("group.membersLabel")),
      picker.el,
      error,
      h("button.primary.wide", { type: "submit" }, t("group.create")),
    );
    setTimeout(() => name.focus());
    return form;
  });
}

export function renderGroupInfo(pane, params) {
  const id = Number(params.id);
  let shown = null;
  let more = null;
  const render = (conv) => {
    if (conv.kind !== "group") return navigate(`chats/${id}`);
    shown = conv;
    const role = myRole(conv);
    const manager = role === "owner" || role === "admin";
    if (more) more.dispose();
    const section = members(conv, role, manager);
    more = section.more;
    const header = paneHeader(t("chat.groupInfo"), `chats/${id}`, [], conv.name);
    header.classList.add("back-always"); // back to the chat on a desktop too
    clear(
      pane,
      header,
      h(
        "div.page",
        {},
        settings(conv, manager),
        section.el,
        h(
          "section.card",
          {},
          h("button.danger.wide", { type: "button", on: { click: () => leave(conv) } }, t("group.leave")),
        ),
      ),
    );
  };
  const editing = () => pane.contains(document.activeElement) && document.activeElement.closest("form");
  const off = on("conv", (c) => {
    if (c.id === id && !editing()) render(c);
  });
  loadConversation(id).then(
    (c) => {
      if (shown !== c) render(c);
    },
    () => clear(pane, paneHeader(t("group.label"), `chats/${id}`), h("p.empty-detail", {}, t("group.notFound"))),
  );
  return () => {
    off();
    if (more) more.dispose();
  };
}

function settings(conv, manager) {
  const name = h("input", { id: "g-name", value: conv.name, disabled: !manager, maxLength: 64 });
  const note = h("textarea", {
    id: "g-note",
    value: conv.announcement || "",
    disabled: !manager,
    rows: 3,
    maxLength: 2000,
  });
  const save = async (e) => {
    e.preventDefault();
    try {
      await call("PATCH", `/conversations/${conv.id}`, { name: name.value.trim(), announcement: note.value });
      await loadConversation(conv.id);
      toast(t("common.saved"));
    } catch (err) {
      toast(errorText(err), ".error");
    }
  };
  return h(
    "form.card.stack",
    { on: { submit: save } },
    h("div.field", {}, h("label", { htmlFor: "g-name" }, t("group.name")), name),
    manager || conv.announcement // a member is not shown an empty box they may not fill
      ? h("div.field", {}, h("label", { htmlFor: "g-note" }, t("group.announcement")), note)
      : null,
    manager ? h("button.primary", { type: "submit" }, t("common.save")) : h("p.muted", {}, t("group.onlyAdmins")),
  );
}

/** The members, a page at a time (in the order they joined). */
function members(conv, role, manager) {
  const list = h("ul.member-list");
  let cursor = null;
  const more = pager(t("group.moreMembers"), async () => {
    const page = await call("GET", `/conversations/${conv.id}/members`, undefined, { cursor, limit: PAGE });
    list.append(...page.members.map((m) => member(conv, m, role, manager)));
    cursor = page.next_cursor;
    return Boolean(cursor);
  });
  more.load();
  const count = conv.member_count || (conv.members || []).length;
  const el = h(
    "section.card",
    {},
    h(
      "div.card-head",
      {},
      h("h3", {}, t("group.membersCount", { count })),
      manager ? iconButton("plus", t("group.add"), () => addMembers(conv)) : null,
    ),
    list,
    more.el,
  );
  return { el, more };
}

function member(conv, m, role, manager) {
  const handle = rememberUser(m.user).handle;
  const removable =
    manager && handle !== state.me.handle && m.role !== "owner" && (role === "owner" || m.role === "member");
  const appoints = role === "owner" && m.role !== "owner";
  return h(
    "li.member",
    {},
    profileLink(handle, avatar(nameOf(handle), handle, ".small")),
    h("span.member-name", {}, profileLink(handle, nameOf(handle)), h("small.muted", {}, ` @${handle}`)),
    m.role !== "member" ? h("span.chip", {}, t(`memberRole.${m.role}`)) : null,
    appoints
      ? h(
          "button.link",
          {
            type: "button",
            dataset: { admin: handle },
            on: { click: () => appoint(conv, handle, m.role === "admin" ? "member" : "admin") },
          },
          m.role === "admin" ? t("chatActions.removeAdmin") : t("chatActions.makeAdmin"),
        )
      : null,
    removable
      ? h(
          "button.link.danger-text",
          {
            type: "button",
            attrs: { "aria-label": t("attach.remove", { name: nameOf(handle) }) },
            on: { click: () => remove(conv, handle) },
          },
          t("common.remove"),
        )
      : null,
  );
}

async function appoint(conv, handle, role) {
  try {
    await call("PATCH", `/conversations/${conv.id}/members/${encodeURIComponent(handle)}`, { role });
    await loadConversation(conv.id);
  } catch (err) {
    toast(errorText(err), ".error");
  }
}

async function remove(conv, handle) {
  if (!confirm(t("group.removeConfirm", { name: nameOf(handle), group: conv.name }))) return;
  try {
    await call("DELETE", `/conversations/${conv.id}/members/${encodeURIComponent(handle)}`);
    await loadConversation(conv.id);
  } catch (err) {
    toast(errorText(err), ".error");
  }
}

/** People who left a group before are invited, not added: say so. */
function toldInvited(invited) {
  if (invited?.length)
    toast(t("group.invited", { names: invited.map((u) => nameOf(u.handle)).join(t("common.listSeparator")) }));
}

function addMembers(conv) {
  modal(t("group.add"), (close) => {
    const picker = friendPicker(new Set((conv.members || []).map((m) => m.user.handle)));
    return h(
      "form.stack",
      {
        on: {
          submit: async (e) => {
            e.preventDefault();
            const handles = picker.chosen();
            if (!handles.length) return close(null);
            try {
              const added = await call("POST", `/conversations/${conv.id}/members`, { handles });
              close(true);
              toldInvited(added.invited);
              await loadConversation(conv.id);
            } catch (err) {
              toast(errorText(err), ".error");
            }
          },
        },
      },
      picker.el,
      h("button.primary.wide", { type: "submit" }, t("group.addButton")),
    );
  });
}

async function leave(conv) {
  if (!confirm(t("group.leaveConfirm", { group: conv.name }))) return;
  try {
    await call("DELETE", `/conversations/${conv.id}/members/${encodeURIComponent(state.me.handle)}`);
    forgetConversation(conv.id);
    navigate("chats");
  } catch (err) {
    toast(errorText(err), ".error");
  }
}
