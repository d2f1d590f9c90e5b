// The route table: every screen of the app and the hash that shows it. The rail lists the
// sections; a section's `list` screen fills the list pane; the first route whose path starts
// the hash fills the detail pane. Screens follow the contract in router.js.

import { renderAssets } from "./assets.js";
import { renderChat } from "./chat.js";
import { renderChatList } from "./chatlist.js";
import { renderContact, renderContactList } from "./contacts.js";
import { renderGroupInfo } from "./groups.js";
import { renderMe } from "./me.js";
import { renderMoments } from "./moments.js";
import { renderNetwork } from "./network.js";
import { renderNetworkContact } from "./networkcontact.js";
import { emptyDetail } from "./pane.js";
import { renderNewFriends } from "./requests.js";
import { renderSecurity } from "./security.js";
import { t } from "./i18n.js";

export const SECTIONS = [
  { id: "chats", label: () => t("section.chats"), icon: "chat", list: renderChatList },
  { id: "contacts", label: () => t("section.contacts"), icon: "contacts", list: renderContactList },
  { id: "moments", label: () => t("section.moments"), icon: "moments", wide: true },
  { id: "me", label: () => t("section.me"), icon: "me", wide: true },
];

export const ROUTES = [
  { path: "chats/:id/info", screen: renderGroupInfo },
  { path: "chats/:id/at/:seq", screen: renderChat },
  { path: "chats/:id", screen: renderChat },
  { path: "chats", screen: emptyDetail(() => t("chats.choose")) },
  { path: "contacts/new/:handle", screen: renderNewFriends },
  { path: "contacts/new", screen: renderNewFriends },
  { path: "contacts/u/:handle", screen: renderContact },
  { path: "contacts", screen: emptyDetail(() => t("contacts.choose")) },
  { path: "moments/:handle", screen: renderMoments },
  { path: "moments", screen: renderMoments },
  { path: "me/assets", screen: renderAssets },
  { path: "me/network/:handle", screen: renderNetworkContact },
  { path: "me/network", screen: renderNetwork },
  { path: "me/security", screen: renderSecurity },
  { path: "me", screen: renderMe },
];
