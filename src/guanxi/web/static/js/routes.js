// The route table: every screen of the app and the hash that shows it. The rail lists the
// sections; a section's `list` screen fills the list pane; the first route whose path starts
// the hash fills the detail pane. Screens follow the contract in router.js.

import { renderChat } from "./chat.js";
import { renderChatList } from "./chatlist.js";
import { renderContact, renderContactList } from "./contacts.js";
import { renderGroupInfo } from "./groups.js";
import { renderMe } from "./me.js";
import { renderMoments } from "./moments.js";
import { emptyDetail } from "./pane.js";
import { renderNewFriends } from "./requests.js";
import { renderSecurity } from "./security.js";

export const SECTIONS = [
  { id: "chats", label: "Chats", icon: "chat", list: renderChatList },
  { id: "contacts", label: "Contacts", icon: "contacts", list: renderContactList },
  { id: "moments", label: "Moments", icon: "moments", wide: true },
  { id: "me", label: "Me", icon: "me", wide: true },
];

export const ROUTES = [
  { path: "chats/:id/info", screen: renderGroupInfo },
  { path: "chats/:id", screen: renderChat },
  { path: "chats", screen: emptyDetail("Choose a chat to start messaging") },
  { path: "contacts/new", screen: renderNewFriends },
  { path: "contacts/u/:handle", screen: renderContact },
  { path: "contacts", screen: emptyDetail("Choose a contact") },
  { path: "moments/:handle", screen: renderMoments },
  { path: "moments", screen: renderMoments },
  { path: "me/security", screen: renderSecurity },
  { path: "me", screen: renderMe },
];
