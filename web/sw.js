// sw.js - the service worker: caches the app shell (HTML, JS, wasm, fonts,
// icons) under a cache named by the build's version, serves it offline, and
// switches to a new version only when the page asks (the user clicked
// "Reload" on "Update available"), never under a running app. The sync
// server's API is left to the network, always.
// sw-assets.js is generated at build time: CRM_VERSION and CRM_ASSETS.
importScripts('sw-assets.js');
const CACHE = 'crm-' + self.CRM_VERSION;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(self.CRM_ASSETS)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('crm-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  // The sync API is never cached or answered from the cache, even on the same origin.
  if (req.headers.has('Authorization') || url.pathname.includes('/v1/')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    // The shell from the cache (a directory URL is its index.html); anything else from the network.
    const hit = (await cache.match(req, {ignoreSearch: true})) ||
                (url.pathname.endsWith('/') ? await cache.match(new URL('index.html', url).href) : undefined);
    return hit || fetch(req);
  })());
});
