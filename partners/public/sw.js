// The service worker, served as /sw.js by partners/public/pwa.py, which prepends CONFIG:
// {version, precache: [static paths], shell: {language: [paths]}, pages: [every shell
// path], staticPrefix, private: [path prefixes]}.
// Our own rather than Workbox: three rules fit in a page, and a page we can read whole is
// one we can check never keeps anything personal (README, "Installing the site").
// - The shell pages (home, "Show this screen", "Once you are safe", help, in both
//   languages): network first, the copy kept on the phone when the network fails or is
//   slower than PAGE_TIMEOUT.
// - Static files: kept copy first (their names change with their content in production);
//   those the shell pages use are kept.
// - Everything else, and anything under CONFIG.private, any POST, any other origin: not
//   touched; the browser goes to the network as if there were no worker.
// The static files are fetched at installation; the shell pages of a language when a page
// in that language asks for them ({shell: "fr"}, from static/partners/offline.js).
// Found places are not kept here: the home page keeps them itself, in IndexedDB.
"use strict";

const PREFIX = "enlieusur-";
const CACHE = PREFIX + CONFIG.version;
const PAGE_TIMEOUT = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(CONFIG.precache))
      .then(() => self.skipWaiting())
  );
});

// A new version replaces the old one's copies at once.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith(PREFIX) && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

// The shell pages of a language, those not kept yet.
async function keepShell(language) {
  const cache = await caches.open(CACHE);
  for (const path of CONFIG.shell[language] || []) {
    if (await cache.match(path)) continue;
    try {
      const response = await fetch(path);
      if (keepable(response)) await cache.put(path, response);
    } catch (error) {
      // Offline: kept at the next visit.
    }
  }
}

self.addEventListener("message", (event) => {
  if (event.data && typeof event.data.shell === "string") {
    event.waitUntil(keepShell(event.data.shell).then(() => event.source && event.source.postMessage({ shellKept: event.data.shell })));
  }
});

function isPrivate(path) {
  return CONFIG.private.some((prefix) => path.startsWith(prefix));
}

// Only complete, public, storable answers of our own origin are kept.
function keepable(response) {
  const control = response.headers.get("Cache-Control") || "";
  return response.status === 200 && response.type === "basic" && !/no-store|private/.test(control);
}

async function page(request) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then(async (response) => {
    if (keepable(response)) await cache.put(request.url, response.clone());
    return response;
  });
  const late = new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), PAGE_TIMEOUT));
  try {
    return await Promise.race([network, late]);
  } catch (error) {
    // The page as last seen with this address, else as last seen with any query
    // ("Show this screen" in another language).
    const kept = (await cache.match(request.url)) || (await cache.match(request.url, { ignoreSearch: true }));
    return kept || network;
  }
}

// A static file is kept when a kept page, or a kept style sheet, asks for it (Leaflet's
// images); those of the forms and the admin are left to the browser's own cache.
function forShell(request) {
  if (!request.referrer) return false;
  const from = new URL(request.referrer).pathname;
  return CONFIG.pages.includes(from) || from.startsWith(CONFIG.staticPrefix);
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (forShell(request) && keepable(response)) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || isPrivate(url.pathname)) return;
  if (request.mode === "navigate" && CONFIG.pages.includes(url.pathname)) {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith(CONFIG.staticPrefix)) {
    event.respondWith(asset(request));
  }
});
