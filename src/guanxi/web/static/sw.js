// guanxi's service worker: the web client's own files (the page and /static/) are kept in a
// cache so the app opens without a network; each is fetched fresh first when the network is
// there, so an update shows at once. API answers (/api/…), media and the event socket never
// pass through here: they are not cached, ever.

const CACHE = "guanxi-client-v1";
const SHELL = ["/", "/static/app.css", "/static/js/main.js", "/static/icon.svg", "/static/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

/** Only the client's files: the page itself and /static/, read with GET from this origin. */
function isClientFile(request) {
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return false;
  return url.pathname === "/" || url.pathname.startsWith("/static/");
}

self.addEventListener("fetch", (event) => {
  if (!isClientFile(event.request)) return; // the browser fetches it as if no worker were here
  event.respondWith(freshFirst(event.request));
});

async function freshFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    throw error;
  }
}
