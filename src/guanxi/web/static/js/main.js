// Boot: a stored token opens the app (the event stream first, then the state over HTTP);
// without one, the sign-in screen.

import { call, forgetBlobs, session } from "./api.js";
import { EventStream } from "./events.js";
import { showAuth } from "./auth.js";
import { ROUTES, SECTIONS } from "./routes.js";
import { showShell } from "./shell.js";
import {
  emit,
  loadBlocks,
  loadConversations,
  loadFriends,
  loadInvitations,
  loadRequests,
  reset,
  state,
} from "./state.js";
import { applyEvent, resync } from "./sync.js";
import { forgetDrafts } from "./drafts.js";
import { startNotify } from "./notify.js";
import { t } from "./i18n.js";
import { startTheme } from "./theme.js";

startTheme();
const root = document.getElementById("app");
for (const p of root.querySelectorAll(".offline-page")) p.textContent = t("app.loading");
let stream = null;
let closeShell = null;
let stopNotify = null;

window.guanxi = {
  /** For tests and the curious: drop the socket as a network failure would. */
  dropConnection: () => stream?.drop(),
};

async function start() {
  session.onUnauthorized = () => signOut(false);
  if (!session.token) return showAuth(root, signedIn);
  try {
    state.me = await call("GET", "/me");
  } catch (error) {
    if (error.status === 401) return signOut(false);
    return showOffline();
  }
  openApp();
}

function signedIn(result) {
  session.token = result.token;
  state.me = result.user;
  openApp();
}

function openApp() {
  closeShell = showShell(root, { sections: SECTIONS, routes: ROUTES, app: { signOut: () => signOut(true) } });
  stopNotify = startNotify();
  stream = new EventStream({
    token: session.token,
    onEvent: applyEvent,
    onReady: (resumed, reload) => (resumed ? resync(reload) : firstLoad()),
    onStatus: (status) => {
      state.online = status;
      emit("status", status);
    },
    onUnauthorized: () => signOut(false),
  });
  stream.start();
}

async function firstLoad() {
  await Promise.allSettled([loadConversations(), loadFriends(), loadRequests(), loadBlocks(), loadInvitations()]);
  emit("loaded");
}

async function signOut(revoke) {
  if (stream) stream.stop();
  stream = null;
  if (closeShell) closeShell();
  closeShell = null;
  if (stopNotify) stopNotify();
  stopNotify = null;
  if (state.me) forgetDrafts(state.me.handle);
  if (revoke) await call("DELETE", "/sessions/current").catch(() => {});
  session.token = null;
  reset();
  forgetBlobs();
  location.hash = "";
  showAuth(root, signedIn);
}

function showOffline() {
  root.replaceChildren();
  const p = document.createElement("p");
  p.className = "offline-page";
  p.textContent = t("app.retrying");
  root.append(p);
  setTimeout(start, 3000);
}

// installable as an app: the worker caches the client's own files, never API answers (sw.js)
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(() => {});

start();
