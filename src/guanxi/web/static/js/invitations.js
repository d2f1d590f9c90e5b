// Group invitations waiting for my answer, shown above the chat list: who invites me into
// which group, with Accept (join and open it) and Decline (nobody else is told).

import { call } from "./api.js";
import { avatar, clear, h, toast } from "./dom.js";
import { navigate } from "./router.js";
import { loadConversation, loadInvitations, on, state } from "./state.js";
import { errorText, t } from "./i18n.js";

export function renderInvitations() {
  const box = h("section.invitations", { attrs: { "aria-label": t("invitations.title") } });
  const draw = () =>
    clear(
      box,
      state.invitations.length
        ? [h("h3.section-title", {}, t("invitations.title")), h("ul.plain", {}, state.invitations.map(item))]
        : [],
    );
  draw();
  return { el: box, dispose: on("invitations", draw) };
}

function item(invitation) {
  const group = invitation.conversation;
  const inviter = invitation.inviter;
  const answer = (verb) => async () => {
    try {
      const joined = await call("POST", `/group-invitations/${invitation.id}/${verb}`);
      await loadInvitations();
      if (joined) {
        await loadConversation(joined.id);
        navigate(`chats/${joined.id}`);
      }
    } catch (e) {
      toast(errorText(e), ".error");
      loadInvitations().catch(() => {});
    }
  };
  return h(
    "li.card.invitation",
    { dataset: { invitation: invitation.id } },
    h(
      "div.profile-head",
      {},
      avatar(inviter.display_name, inviter.handle, ".small"),
      h(
        "div",
        {},
        h("strong", {}, inviter.display_name),
        h("span.muted", {}, ` @${inviter.handle}`),
        h(
          "p",
          {},
          t("invitations.invites"),
          h("strong", {}, group.name),
          h("span.muted", {}, ` · ${t("chat.members", { count: group.member_count })}`),
        ),
      ),
    ),
    h(
      "div.inline",
      {},
      h("button.primary", { type: "button", on: { click: answer("accept") } }, t("common.accept")),
      h("button.secondary", { type: "button", on: { click: answer("decline") } }, t("common.decline")),
    ),
  );
}
