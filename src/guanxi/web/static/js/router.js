// The router: the URL hash (#/chats/3) names what is shown, so a reload comes back to it. It
// knows no screen: it matches the hash against the route table it is given (routes.js), and
// shows the matching screen in the detail pane and the section's list screen in the list pane.
//
// The screen contract: screen(pane, params, app) renders into `pane`, an element it owns until
// it is disposed of, and returns dispose(), which removes every listener and subscription the
// screen made. `params` holds the route's `:names` (strings); `app` is what the boot gives
// every screen ({signOut}).

const noop = () => {};
const listeners = new Set();
let table = null; // {sections, routes, listPane, mainPane, app} while the app is shown
let shown = { section: null, disposeList: noop, disposeDetail: noop };

export function navigate(path) {
  location.hash = `#/${path}`;
}

/** The hash as {section, parts}: an unknown section is the first one (the parts after it stay). */
export function parseRoute(sections) {
  const parts = location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const section = sections.some((s) => s.id === parts[0]) ? parts[0] : sections[0].id;
  return { section, parts: parts.slice(1) };
}

/** The first route whose pattern starts the path ("chats/:id" matches chats/3 and chats/3/x). */
export function matchRoute(routes, path) {
  for (const route of routes) {
    const pattern = route.path.split("/");
    if (pattern.length > path.length) continue;
    const params = {};
    const fits = pattern.every((piece, i) => {
      if (piece.startsWith(":")) params[piece.slice(1)] = path[i];
      return piece.startsWith(":") || piece === path[i];
    });
    if (fits) return { route, params };
  }
  return null;
}

/** Told after each change of route, before the detail screen renders: fn({section, parts}). */
export function onRoute(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Shows the route in the hash now, and again whenever it changes; returns stop(). */
export function startRouter(options) {
  table = options;
  window.addEventListener("hashchange", refresh);
  refresh();
  return stopRouter;
}

function stopRouter() {
  window.removeEventListener("hashchange", refresh);
  shown.disposeList();
  shown.disposeDetail();
  shown = { section: null, disposeList: noop, disposeDetail: noop };
  table = null;
}

/** Renders every screen of the current route again (after a change of language). */
export function redraw() {
  shown.section = null;
  refresh();
}

/** Renders the current route again (the list screen stays when the section is the same). */
export function refresh() {
  if (!table?.mainPane.isConnected) return;
  const { sections, routes, listPane, mainPane, app } = table;
  const { section, parts } = parseRoute(sections);
  if (section !== shown.section) {
    shown.disposeList();
    const list = sections.find((s) => s.id === section).list;
    listPane.replaceChildren();
    shown.disposeList = list ? list(listPane, {}, app) : noop;
    shown.section = section;
  }
  shown.disposeDetail();
  shown.disposeDetail = noop;
  for (const fn of listeners) fn({ section, parts });
  const found = matchRoute(routes, [section, ...parts]);
  shown.disposeDetail = found ? found.route.screen(mainPane, found.params, app) : noop;
}
