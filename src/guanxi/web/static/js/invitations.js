// Group invitations waiting for my answer, shown above the chat list: who invites me into
// which group, with Accept (join and open it) and Decline (nobody else is told).

import { ApiError, call } from "./api.js";
import { avatar, clear, h, toast } from "./dom.js";
import { navigate } from "./router.js";
import { loadConversation, loadInvitations, on, state } from "./state.js";

export function renderInvitations() {
  const box = h("section.invitations", { attrs: { "aria-label": "Group invitations" } });
  const draw = () =>
    clear(
      box,
      state.invitations.length
        ? [h("h3.section-title", {}, "Group invitations"), h("ul.plain", {}, state.invitations.map(item))]
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
      toast(e instanceof ApiError ? e.message : "The server cannot be reached.", ".error");
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
          "invites you to ",
          h("strong", {}, group.name),
          h("span.muted", {}, ` · ${group.member_count} members`),
        ),
      ),
    ),
    h(
      "div.inline",
      {},
      h("button.primary", { type: "button", on: { click: answer("accept") } }, "Accept"),
      h("button.secondary", { type: "button", on: { click: answer("decline") } }, "Decline"),
    ),
  );
}
