// The site's service worker (hooks/runtime_assets.py serves this file at the site's root, so that its scope
// is the whole site, whatever sub-path the site is published under). Every page registers it
// (overrides/main.html). It keeps the pages a reader visited, and their files, so that they work offline:
//
// * pages and files whose name does not change with their content: from the network first, so a new
//   build is seen at once; the copy kept from the last visit is used only when the network fails;
// * files named by their content's hash (the theme's bundle.<hash>.min.js, …): from the cache first, since
//   a changed file has another name;
// * the runtime's files (runtime/assets/): left alone. The runtime keeps them itself, content-named, in
//   its own cache (runtime/assets.js), and reads that cache before the network: storing them here too would
//   keep the 5 MB of Python twice.
//
// It asks for nothing but what the page asked for (and, once, the files of the first page a reader opens,
// from the browser's HTTP cache), and only from the site's own address: other hosts are not its business.

const CACHE = "autograd-site";
const SCOPE = new URL("./", self.location.href).href;
const RUNTIME_FILES = new URL("runtime/assets/", SCOPE).href;
const CONTENT_NAMED = /\.[0-9a-f]{8,}\.(?:min\.)?(?:js|css)$/;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    // The page's request starts while this worker wakes up, instead of after it.
    await self.registration.navigationPreload?.enable();
    await self.clients.claim();
  })());
});

function ours(url) {
  return url.startsWith(SCOPE) && !url.startsWith(RUNTIME_FILES) && url !== self.location.href;
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !ours(request.url)) return; // the browser's own handling
  const contentNamed = CONTENT_NAMED.test(new URL(request.url).pathname);
  event.respondWith(contentNamed ? cacheFirst(event) : networkFirst(event));
});

function keep(event, request, response) {
  if (!response.ok || response.type !== "basic") return;
  const copy = response.clone();
  event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => {}));
}

async function networkFirst(event) {
  const { request } = event;
  const navigation = request.mode === "navigate";
  try {
    const response = (navigation && (await event.preloadResponse)) || (await fetch(request));
    keep(event, request, response);
    return response;
  } catch (error) {
    const kept = await caches.match(request, { cacheName: CACHE, ignoreSearch: navigation });
    if (kept) return kept;
    if (navigation) return notKept(request.url);
    throw error;
  }
}

async function cacheFirst(event) {
  const { request } = event;
  const kept = await caches.match(request, { cacheName: CACHE });
  if (kept) return kept;
  const response = await fetch(request);
  keep(event, request, response);
  return response;
}

// Offline, a page this browser never opened: say so, and link to the site's start.
function notKept(url) {
  const home = new URL(SCOPE).pathname;
  const html = `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Offline · autograd</title>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem">
<h1>You are offline</h1>
<p>This page (<code>${new URL(url).pathname.replace(/[<>&"]/g, "")}</code>) has not been opened in this browser
before, so there is no copy of it here. The pages you have read work offline; the
<a href="${home}">start page</a> is one of them if you opened it.</p></body></html>`;
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// The first page a reader opens was loaded before this worker existed: the page lists its files here once
// this worker is active, and they are kept from the browser's HTTP cache (not downloaded again).
self.addEventListener("message", (event) => {
  if (event.data?.type !== "keep") return;
  event.waitUntil(keepAll(event.data.urls ?? []));
});

async function keepAll(urls) {
  const cache = await caches.open(CACHE);
  for (const address of new Set(urls.map((u) => String(u).split("#")[0]))) {
    if (!ours(address) || (await cache.match(address))) continue;
    try {
      const response = await fetch(address, { cache: "force-cache" });
      if (response.ok && response.type === "basic") await cache.put(address, response);
    } catch {
      // Offline already, or gone: nothing to keep.
    }
  }
}
