// What the site keeps on the phone, and nothing on the server (README, "Installing the
// site and using it offline"): it registers the service worker (partners/public/sw.js,
// which keeps the pages and their static files in Cache Storage), keeps the places the
// person's searches found in IndexedDB (window.keptPlaces, used by map.js), and wires
// every "Clear this site's data" button, which leaves nothing behind: no cache, no
// database, no worker.
(function () {
  "use strict";
  const script = document.currentScript;
  const DATABASE = "enlieusur";
  const STORE = "searches";
  const MAX_SEARCHES = 6;
  // What a kept place holds: what the offline list shows, nothing else.
  const FIELDS = ["id", "name", "kind", "kind_label", "address", "postcode", "city", "department", "lat", "lon", "phone", "phone_display", "step_free", "time_zone", "opening_hours", "closures"];
  let cleared = false;

  function request(operation) {
    return new Promise((resolve, reject) => {
      operation.onsuccess = () => resolve(operation.result);
      operation.onerror = () => reject(operation.error);
    });
  }

  function open() {
    const opening = indexedDB.open(DATABASE, 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: "key" });
    return request(opening);
  }

  async function withStore(mode, work) {
    const db = await open();
    try {
      const transaction = db.transaction(STORE, mode);
      const result = await work(transaction.objectStore(STORE));
      await new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onerror = transaction.onabort = () => reject(transaction.error);
      });
      return result;
    } finally {
      db.close();
    }
  }

  function pick(place) {
    const kept = {};
    for (const name of FIELDS) kept[name] = place[name] === undefined ? null : place[name];
    return kept;
  }

  // The searches kept, the latest first.
  async function all() {
    if (!window.indexedDB || cleared) return [];
    // Nothing kept yet: no empty database is created just to read it.
    if (indexedDB.databases && !(await indexedDB.databases()).some((db) => db.name === DATABASE)) return [];
    const searches = await withStore("readonly", (store) => request(store.getAll()));
    return searches.sort((a, b) => b.savedAt - a.savedAt);
  }

  // Keeps a search's places under its key (a town's, or the person's position's), the
  // latest MAX_SEARCHES searches only; one the person asked to keep outlives the others.
  async function save(search) {
    if (!window.indexedDB || cleared) return;
    const record = Object.assign({}, search, { places: search.places.map(pick), savedAt: Date.now() });
    await withStore("readwrite", async (store) => {
      const previous = await request(store.get(record.key));
      if (previous && previous.kept) record.kept = true;
      store.put(record);
      const searches = (await request(store.getAll())).filter((s) => s.key !== record.key);
      searches.sort((a, b) => Boolean(a.kept) - Boolean(b.kept) || a.savedAt - b.savedAt);
      for (const old of searches.slice(0, Math.max(0, searches.length + 1 - MAX_SEARCHES))) store.delete(old.key);
    });
  }

  // Online again: each kept place is read again from the API; one that left the network
  // (404) is dropped, the others take their current details. A search is dated anew
  // only when every one of its places could be checked.
  async function refresh(detailUrl) {
    const searches = await all();
    const ids = new Set(searches.flatMap((search) => search.places.map((place) => place.id)));
    if (!ids.size) return false;
    const fresh = new Map();
    const checked = new Set();
    const queue = [...ids];
    async function worker() {
      while (queue.length) {
        const id = queue.shift();
        try {
          const response = await fetch(detailUrl.replace("{id}", id), { headers: { "Accept-Language": document.documentElement.lang || "fr" } });
          if (response.status === 404) checked.add(id);
          else if (response.ok) {
            fresh.set(id, pick(await response.json()));
            checked.add(id);
          }
        } catch (error) {
          // Offline again: this place stays as it was.
        }
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()]);
    if (cleared) return false;
    const now = Date.now();
    await withStore("readwrite", async (store) => {
      for (const search of await request(store.getAll())) {
        const complete = search.places.every((place) => checked.has(place.id));
        search.places = search.places.filter((place) => !checked.has(place.id) || fresh.has(place.id)).map((place) => fresh.get(place.id) || place);
        if (complete) search.savedAt = now;
        store.put(search);
      }
    });
    return true;
  }

  // Everything this site keeps in this browser: its caches (pages, static files), its
  // database (places found), its worker. The browser's history is not ours to clear.
  async function clear() {
    cleared = true;
    if (window.caches) {
      for (const key of await caches.keys()) await caches.delete(key);
    }
    if (window.indexedDB) {
      await new Promise((resolve) => {
        const deletion = indexedDB.deleteDatabase(DATABASE);
        deletion.onsuccess = deletion.onerror = deletion.onblocked = resolve;
      });
    }
    if (navigator.serviceWorker) {
      for (const registration of await navigator.serviceWorker.getRegistrations()) await registration.unregister();
    }
  }

  window.keptPlaces = { all: all, save: save, refresh: refresh, clear: clear };

  for (const button of document.querySelectorAll("[data-clear-site-data]")) {
    button.hidden = false;
    const status = document.getElementById(button.dataset.status || "");
    button.addEventListener("click", async () => {
      await clear();
      document.dispatchEvent(new CustomEvent("site-data-cleared"));
      if (status) status.textContent = button.dataset.done;
    });
  }

  // Once the page has loaded and the browser is idle (the home's map has drawn its first
  // markers): the worker's first downloads never compete with the page's own.
  if (navigator.serviceWorker && script && script.dataset.worker) {
    // Then this language's shell pages are kept (partners/public/sw.js).
    const register = async () => {
      if (cleared) return;
      try {
        await navigator.serviceWorker.register(script.dataset.worker, { scope: "/" });
        const registration = await navigator.serviceWorker.ready;
        if (!cleared) registration.active.postMessage({ shell: document.documentElement.lang || "fr" });
      } catch (error) {
        // No worker (private mode of some browsers): the site works online as before.
      }
    };
    window.addEventListener("load", () => {
      if (window.requestIdleCallback) requestIdleCallback(register, { timeout: 3000 });
      else setTimeout(register, 1000);
    });
  }
})();
