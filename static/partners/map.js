// The home map: approved partners as server-side clusters by tile, "Locate me",
// search and filters, the list/map switch of phones, and the search kept in the address's
// fragment (README, "The search in the address"). Every result is also a list item;
// without this script the page still offers the search form and the link to the
// server-rendered list.
// Names come from anonymous applicants: every text reaches the page as a text node or an
// attribute (make(), textContent, Leaflet's title), never as HTML (a string given to
// Leaflet's bindPopup, bindTooltip or divIcon is parsed as HTML).
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  // The default marker's images by their served names (partners/public/maps.py).
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions(config.markerIcon);
  const messages = config.messages;
  const lang = document.documentElement.lang || "fr";
  const plurals = new Intl.PluralRules(lang);
  const element = document.getElementById("map");
  const form = document.getElementById("search");
  const status = document.getElementById("results-status");
  const list = document.getElementById("results");
  const locate = document.getElementById("locate");
  const territory = document.getElementById("territory");
  const nothing = document.getElementById("nothing");

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, (match, key) => values[key]);
  }

  function plural(entry, count, values) {
    return format(entry[plurals.select(count)] || entry.other, values);
  }

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text) {
    const a = make("a", "", text);
    a.href = href;
    return a;
  }

  // Territory views are set for a desktop map; a phone's narrow map needs one zoom less.
  function showTerritory(code) {
    const t = config.territories[code];
    map.setView(t.centre, t.zoom - (element.clientWidth < 600 ? 1 : 0));
  }

  document.getElementById("map-area").hidden = false;
  const map = L.map(element, { maxZoom: config.maxZoom });
  showTerritory(config.mainland);
  // Tiles may fail (offline, blocked): markers and lists do not depend on them.
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: config.maxZoom }).addTo(map);
  // The attribution goes under the map rather than over its corner, where it would hide
  // (and take the clicks of) the pins beneath it; Leaflet keeps it up to date there.
  document.getElementById("map-attribution").append(map.attributionControl.getContainer());

  // --- Partners by data tile ------------------------------------------------------------

  function bubble(count) {
    const size = count < 10 ? "small" : count < 1000 ? "medium" : "large";
    const html = make("div");
    const label = make("span", "visually-hidden");
    label.textContent = plural(messages.cluster, count, { count: count.toLocaleString(lang) });
    const number = make("span", "", count < 10000 ? String(count) : Math.round(count / 1000) + "k");
    number.setAttribute("aria-hidden", "true");
    html.append(label, number);
    return L.divIcon({ html: html, className: "cluster cluster-" + size, iconSize: [40, 40] });
  }

  function partnerPopup(id, name, kind) {
    const box = make("div");
    box.append(make("strong", "", name), make("br"), make("span", "", config.kinds[kind] || ""));
    box.append(make("br"), link(config.detailUrl.replace("{id}", id), messages.details));
    return box;
  }

  // Markers are role="button": Enter and Space act like a click.
  function activates(event) {
    return event.originalEvent.key === "Enter" || event.originalEvent.key === " ";
  }

  // The server's bubbles (one per 64-pixel grid cell, at its partners' centroid, so two can
  // overlap) and single partners share one group: markers that would overlap on screen merge
  // into one bubble counting them all, and no bubble or pin hides another (WCAG 2.5.8,
  // target size). markercluster's default radius, 80 pixels, keeps the merged bubbles apart;
  // smaller radii still let some overlap.
  const partnerCount = (marker) => marker.options.count || 1;
  const markerLayer = L.markerClusterGroup({
    chunkedLoading: true,
    showCoverageOnHover: false,
    iconCreateFunction: (cluster) =>
      bubble(cluster.getAllChildMarkers().reduce((sum, marker) => sum + partnerCount(marker), 0)),
  }).addTo(map);
  markerLayer.on("clusterkeypress", (event) => {
    if (activates(event)) event.layer.zoomToBounds({ padding: [20, 20] });
  });
  const tiles = new Map(); // "z/x/y" → promise of the tile's data
  let drawnZoom = null;
  let drawn = new Set();
  let shown = 0;
  let inflight = 0;
  let firstMarker = false;
  let firstViewport = true;

  // Tiles two zooms above the map's: one spans 1024 pixels, a grid cell 64.
  function dataZoom() {
    return Math.max(0, map.getZoom() - 2);
  }

  function visibleTiles(z) {
    const size = 256 * Math.pow(2, map.getZoom() - z);
    const bounds = map.getPixelBounds();
    const n = Math.pow(2, z);
    const keys = new Set();
    const xFrom = Math.floor(bounds.min.x / size);
    const xTo = Math.min(Math.floor(bounds.max.x / size), xFrom + n - 1);
    for (let x = xFrom; x <= xTo; x++) {
      for (let y = Math.max(0, Math.floor(bounds.min.y / size)); y <= Math.min(n - 1, Math.floor(bounds.max.y / size)); y++) {
        keys.add(z + "/" + (((x % n) + n) % n) + "/" + y);
      }
    }
    return keys;
  }

  function load(key) {
    if (!tiles.has(key)) {
      const url = config.dataTileUrl.replace("{z}/{x}/{y}", key);
      const request = fetch(url).then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
      request.catch(() => tiles.delete(key));
      tiles.set(key, request);
    }
    return tiles.get(key);
  }

  function draw(data) {
    const markers = [];
    for (const [lat, lon, count] of data.clusters || []) {
      const marker = L.marker([lat, lon], { icon: bubble(count), count: count });
      marker.on("click keypress", (event) => {
        if (event.type === "click" || activates(event)) map.setView([lat, lon], Math.min(map.getZoom() + 2, map.getMaxZoom()));
      });
      markers.push(marker);
      shown += count;
    }
    for (const [id, lat, lon, kind, name] of data.points || []) {
      markers.push(L.marker([lat, lon], { title: name, alt: name }).bindPopup(() => partnerPopup(id, name, kind)));
      shown += 1;
    }
    markerLayer.addLayers(markers);
    element.dataset.shown = shown;
    if (!firstMarker && shown > 0) {
      firstMarker = true;
      performance.mark("first-marker");
    }
  }

  function settled() {
    element.dataset.ready = "1";
    if (firstViewport) {
      firstViewport = false;
      performance.mark("clusters-drawn");
    }
  }

  function refresh() {
    const z = dataZoom();
    if (z !== drawnZoom) {
      markerLayer.clearLayers();
      drawn = new Set();
      drawnZoom = z;
      shown = 0;
    }
    delete element.dataset.ready;
    const keys = [...visibleTiles(z)].filter((key) => !drawn.has(key));
    keys.forEach((key) => drawn.add(key));
    inflight += keys.length;
    if (!inflight) settled();
    for (const key of keys) {
      load(key)
        .then((data) => {
          if (drawnZoom === z) draw(data);
        })
        .catch(() => drawn.delete(key))
        .finally(() => {
          inflight -= 1;
          if (!inflight) settled();
        });
    }
  }

  map.on("moveend", refresh);
  refresh();

  document.getElementById("territory-picker").hidden = false;
  territory.addEventListener("change", () => showTerritory(territory.value));

  // --- List or map: one at a time on a phone, side by side on wider screens -------------

  // Below 48rem (map.css) the results and the map take turns, chosen by a two-button
  // switch (aria-pressed); wider, the switch is not displayed and both show.
  const home = document.getElementById("home");
  const views = document.getElementById("view-switch");
  const panel = home.querySelector(".panel");
  let pendingBounds = null; // results' bounds, kept until the map has a size to fit them in

  function fitResults() {
    // A hidden map has no size: Leaflet would fit the bounds in zero pixels.
    if (!pendingBounds || !element.clientWidth) return;
    map.fitBounds(pendingBounds, { padding: [30, 30], maxZoom: 16 });
    pendingBounds = null;
  }

  function showView(view) {
    home.dataset.view = view;
    for (const button of views.querySelectorAll("button")) {
      button.setAttribute("aria-pressed", String(button.dataset.view === view));
    }
    if (view === "map") {
      // Leaflet measures its container once; it was not displayed until now.
      map.invalidateSize();
      fitResults();
    }
  }

  // The switch is displayed where the list and the map take turns (map.css).
  function stacked() {
    return getComputedStyle(views).display !== "none";
  }

  views.hidden = false;
  views.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-view]");
    if (button) showView(button.dataset.view);
  });
  showView("map");
  window.addEventListener("resize", fitResults);

  // --- Nearest partners: "Locate me", search, filters -----------------------------------

  const resultsArea = document.getElementById("results-area");
  const title = document.getElementById("results-title");
  const hint = document.getElementById("results-hint");
  const field = form.elements.q;
  const fieldMessage = document.getElementById("search-q-message");
  resultsArea.hidden = false;

  const resultLayer = L.layerGroup().addTo(map);
  let origin = null; // {lat, lon, label, own, query}
  const distanceFormat = {
    m: new Intl.NumberFormat(lang, { style: "unit", unit: "meter", maximumFractionDigits: 0 }),
    km: new Intl.NumberFormat(lang, { style: "unit", unit: "kilometer", maximumFractionDigits: 1 }),
  };

  function distance(metres) {
    return metres < 1000 ? distanceFormat.m.format(Math.round(metres / 10) * 10) : distanceFormat.km.format(metres / 1000);
  }

  // A change's time, weekday and date in the venue's zone, and how many days after the
  // venue's today it falls (a weekday alone says when within a week, partners/public/wording.py).
  const dayFormats = new Map();
  function changeWords(at, now, timeZone) {
    let parts = dayFormats.get(timeZone);
    if (!parts) {
      parts = new Intl.DateTimeFormat("en-GB", { timeZone: timeZone, year: "numeric", month: "numeric", day: "numeric" });
      dayFormats.set(timeZone, parts);
    }
    const dayNumber = (d) => {
      const p = {};
      for (const part of parts.formatToParts(d)) p[part.type] = Number(part.value);
      return Date.UTC(p.year, p.month - 1, p.day) / 86400000;
    };
    const zone = { timeZone: timeZone };
    return {
      days: dayNumber(at) - dayNumber(now),
      time: at.toLocaleTimeString(lang, { ...zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }),
      day: at.toLocaleDateString(lang, { ...zone, weekday: "long" }),
      date: at.toLocaleDateString(lang, { ...zone, day: "numeric", month: "long" }),
    };
  }

  // "Open until 18:00", "Closed, opens Monday at 09:00", "Closed, opens on 28 December at
  // 09:00" (after a closure), in the server's words (partners/public/wording.py).
  function openingText(open, words) {
    const keys = open ? ["openUntil", "openUntilDay", "openUntilDate"] : ["opensAt", "opensDay", "opensDate"];
    const index = words.days === 0 ? 0 : words.days <= config.weekdayDaysAhead ? 1 : 2;
    return format(messages[keys[index]], words);
  }

  // The API's state of a place, in the venue's own time zone.
  function opening(partner) {
    if (!partner.next_change) return partner.open_now ? messages.openNow : messages.closed;
    return openingText(partner.open_now, changeWords(new Date(partner.next_change), new Date(), partner.time_zone));
  }

  // An overseas place's hours carry their time in words, as on the server's pages.
  function openingWithZone(partner) {
    const text = opening(partner);
    return partner.time_zone === config.mainlandZone ? text : text + " (" + config.timeNames[partner.time_zone] + ")";
  }

  // "near Lyon", "près d'Aubusson", "près du Havre": the server's rules, first match wins.
  function near(place) {
    for (const [pattern, message] of config.nearRules) {
      const found = new RegExp(pattern, "i").exec(place);
      if (found) return format(message, { place: found[1] });
    }
    return place;
  }

  function resultItem(partner, rank) {
    const item = make("li", "result");
    const heading = make("h3");
    // The page's language, whatever language the API answered in.
    heading.append(link(config.detailUrl.replace("{id}", partner.id), partner.name));
    const facts = [config.kinds[partner.kind] || partner.kind_label, format(messages.away, { distance: distance(partner.distance_m) })];
    // The API's estimate (partners/public/fields.py walking_minutes), as the list page shows it.
    if (partner.walking_minutes) facts.push(format(messages.walking, { minutes: partner.walking_minutes }));
    if (partner.step_free) facts.push(messages.stepFree);
    item.append(heading, make("p", "", facts.join(" · ")));
    item.append(make("p", "", [partner.address, [partner.postcode, partner.city].join(" ")].join(", ")));
    item.append(make("p", partner.open_now ? "open" : "closed", openingWithZone(partner)));
    item.append(placeActions(partner, origin.own ? origin.lat + "," + origin.lon : ""));

    const icon = L.divIcon({ html: make("span", "", String(rank)), className: "result-marker", iconSize: [28, 28] });
    // The list above says everything the marker shows, and links the place: markers that
    // stack up in a dense town would only be overlapping targets (WCAG 2.5.8).
    resultLayer.addLayer(L.marker([partner.lat, partner.lon], { icon: icon, title: rank + ". " + partner.name, zIndexOffset: 1000, interactive: false, keyboard: false }));
    return item;
  }

  // A place's actions, as templates/partners/public/_directions.html: calling first and
  // largest, then directions (from ``from``, "lat,lon" or "" for the phone's position).
  function placeActions(place, from) {
    const actions = make("ul", "actions");
    function action(className, href, text) {
      const a = link(href, text);
      a.className = "action " + className;
      const li = make("li");
      li.append(a);
      actions.append(li);
      return a;
    }
    if (place.phone) action("action-call", "tel:" + place.phone, format(messages.call, { phone: place.phone_display || place.phone }));
    action("action-directions", window.directionsHref(place.lat, place.lon, place.name, from), messages.directions).rel = "noreferrer";
    return actions;
  }

  // "lundi à 08:00", "à 08:00" today, "le 28 décembre à 08:00" after a closure: the venue's
  // own time and day.
  function opensWhen(iso, timeZone) {
    const words = changeWords(new Date(iso), new Date(), timeZone);
    if (words.days === 0) return format(messages.opensToday, words);
    return format(words.days <= config.weekdayDaysAhead ? messages.opensOn : messages.opensOnDate, words);
  }

  // Nothing within reach: say so (the API's sentence), then what to do now: the
  // territory's numbers as large call links, and the nearest place that opens next.
  function showNothing(data) {
    const numbers = make("ul", "call-links");
    for (const line of data.helplines || []) {
      const call = link(line.href, "");
      call.className = "call" + (line.urgent ? " urgent" : "");
      const label = line.label + (line.hours ? " (" + line.hours + ")" : "");
      call.append(make("strong", "", (line.sms ? messages.sms + " " : "") + line.number), make("span", "", label));
      const item = make("li");
      item.append(call);
      numbers.append(item);
    }
    const title = make("h3", "", messages.whatToDo);
    title.id = "nothing-title";
    const parts = [title];
    if (numbers.children.length) parts.push(make("p", "", messages.inDanger), numbers);
    const next = data.next_open;
    if (next) {
      const sentence = format(messages.nextOpen, {
        when: opensWhen(next.opens_at, next.partner.time_zone),
        name: next.partner.name,
        distance: distance(next.partner.distance_m),
      });
      const place = make("ol", "results");
      place.append(resultItem(next.partner, 1));
      parts.push(make("p", "next-open", sentence), place);
    }
    // At sea: no territory, no numbers, nothing to wait for; the status says why.
    if (parts.length === 1) return;
    nothing.replaceChildren(...parts);
    nothing.hidden = false;
  }

  // The API's order, nearest first, as on the list page (README, "Public search").
  // focus: the person asked (located, searched, came back to the page): the results
  // replace the view and take the focus. A filter changed: the focus stays on it, and the
  // status line says what changed.
  function show(data, focus) {
    const results = data.results;
    resultLayer.clearLayers();
    list.replaceChildren(...results.map((partner, i) => resultItem(partner, i + 1)));
    nothing.hidden = true;
    nothing.replaceChildren();
    if (!results.length) showNothing(data);
    const where = L.latLng(origin.lat, origin.lon);
    if (origin.own) resultLayer.addLayer(L.circleMarker(where, { radius: 8, color: "#0d47a1" }).bindTooltip(make("span", "", messages.yourPositionMarker)));
    const shownPlaces = results.length ? results : data.next_open ? [data.next_open.partner] : [];
    pendingBounds = L.latLngBounds([where].concat(shownPlaces.map((p) => [p.lat, p.lon])));
    fitResults();
    const summary = results.length
      ? plural(messages.results, results.length, { count: results.length, near: near(origin.label) })
      : data.message;
    title.textContent = summary;
    title.hidden = false;
    hint.hidden = true;
    if (focus) {
      status.textContent = "";
      showView("list");
      title.focus({ preventScroll: true });
      // The heading at the top, the first result under it: of the page on a phone (below
      // the site's bar: scroll-margin in map.css), of the panel beside the map otherwise.
      if (stacked()) title.scrollIntoView({ block: "start" });
      else panel.scrollTop += title.getBoundingClientRect().top - panel.getBoundingClientRect().top;
    } else {
      status.textContent = summary;
    }
  }

  async function fetchJson(url) {
    // The API answers in the page's language: its sentences and the numbers' labels.
    const response = await fetch(url, { headers: { "Accept-Language": lang } });
    if (!response.ok) throw new Error(response.status);
    return response.json();
  }

  // --- The search in the address -------------------------------------------------------
  // The search lives in the address's fragment, as the list page's form would send it
  // (#q=Lyon&open_now=1, or #lat=45.768&lon=4.835&kind=shop): reload, Back from a place's
  // page and a shared link show the same results. A fragment is never sent to a server:
  // the position still goes to the nearest API only, rounded to about 100 m, and no page
  // request or log carries it. replaceState, never pushState: the home page stays one entry
  // of the tab's history, which the quick exit replaces, rather than one per search left
  // behind it. history.state says whether the position is this browser's own (reload, Back)
  // or came in a link ("the position given").

  function searchParams() {
    const params = new URLSearchParams();
    if (origin.query) {
      params.set("q", origin.query);
    } else {
      params.set("lat", origin.lat);
      params.set("lon", origin.lon);
    }
    for (const [name, value] of new FormData(form)) {
      if (name !== "q" && value) params.set(name, value);
    }
    return params;
  }

  function keepInAddress() {
    history.replaceState({ own: origin.own }, "", "#" + searchParams());
  }

  let searchId = 0;
  async function listNearest(focus) {
    if (!origin) return;
    keepInAddress();
    const id = ++searchId;
    status.textContent = messages.searching;
    const params = new URLSearchParams({ lat: origin.lat, lon: origin.lon, limit: 10 });
    if (form.elements.kind.value) params.set("kind", form.elements.kind.value);
    if (form.elements.open_now.checked) params.set("open_now", "1");
    if (form.elements.step_free.checked) params.set("step_free", "1");
    try {
      const data = await fetchJson(config.nearestUrl + "?" + params);
      if (id === searchId) {
        show(data, focus);
        offline.hidden = true;
        keep.hidden = !origin.query;
        keepSearch(data);
      }
    } catch (error) {
      if (id === searchId) {
        status.textContent = messages.failed;
        showKept(focus);
      }
    }
  }

  // About 100 m: the precise position never leaves the browser.
  function rounded(value) {
    return Math.round(value * 1000) / 1000;
  }

  function tellField(message) {
    fieldMessage.textContent = message;
    fieldMessage.hidden = !message;
  }

  // The location refused or unavailable: the town field takes the focus, with the reason
  // beside it (its aria-describedby), both in view.
  function positionUnavailable() {
    searchId++;
    status.textContent = "";
    tellField(messages.geolocationUnavailable);
    field.focus({ preventScroll: true });
    fieldMessage.scrollIntoView({ block: "center" });
  }

  locate.hidden = false;
  locate.addEventListener("click", () => {
    tellField("");
    if (!navigator.geolocation) {
      positionUnavailable();
      return;
    }
    status.textContent = messages.locating;
    // Beside the button; in view even if the page had been scrolled.
    status.scrollIntoView({ block: "nearest" });
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const { latitude, longitude } = position.coords;
        origin = { lat: rounded(latitude), lon: rounded(longitude), label: messages.yourPosition, own: true };
        listNearest(true);
      },
      positionUnavailable,
      { maximumAge: 60000, timeout: 20000 }
    );
  });

  // A town typed, or a place chosen among its homonyms (place-combobox.js; the form's
  // "place" field holds its id, which the address keeps too).
  async function searchTown(query, focus) {
    tellField("");
    const chosen = window.placeSearch && placeSearch.chosen(field);
    if (chosen) {
      origin = { lat: chosen.lat, lon: chosen.lon, label: chosen.label, own: false, query: query };
      listNearest(focus);
      return;
    }
    status.textContent = messages.searching;
    let places = [];
    try {
      const params = new URLSearchParams({ q: query });
      if (form.elements.place.value) params.set("place", form.elements.place.value);
      const response = await fetch(config.placesUrl + "?" + params);
      // A query the gazetteer refuses (400) is a place not found, not a failure.
      if (response.ok) places = await response.json();
      else if (response.status !== 400) throw new Error(response.status);
    } catch (error) {
      status.textContent = messages.failed;
      showKept(focus);
      return;
    }
    if (!places.length) {
      status.textContent = format(messages.placeNotFound, { query: query });
      return;
    }
    // Several places and none clearly meant (homonyms, typos): the person chooses.
    if (!places[0].clear_match && window.placeSearch) {
      resultLayer.clearLayers();
      list.replaceChildren(...placeSearch.choices(field, places));
      // In the results' place, with their heading; the status line says it too.
      status.textContent = title.textContent = placeSearch.choiceHeading(query, places.length);
      title.hidden = false;
      hint.hidden = true;
      showView("list");
      if (stacked()) title.scrollIntoView({ block: "start" });
      return;
    }
    const place = places[0];
    origin = { lat: place.lat, lon: place.lon, label: place.label || place.name, own: false, query: query };
    listNearest(focus);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = field.value.trim();
    if (query) searchTown(query, true);
    else listNearest(true);
  });

  form.addEventListener("change", (event) => {
    if (event.target !== field) listNearest(false);
  });

  // The search the address holds, if any: on arrival (reload, Back, a shared link) and
  // when the history moves within the page.
  function searchFromAddress() {
    const params = new URLSearchParams(location.hash.slice(1));
    const query = (params.get("q") || "").trim();
    const lat = Number(params.get("lat"));
    const lon = Number(params.get("lon"));
    const position = params.has("lat") && params.has("lon") && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
    if (!query && !position) return;
    const kind = form.elements.kind;
    kind.value = [...kind.options].some((option) => option.value === params.get("kind")) ? params.get("kind") : "";
    form.elements.open_now.checked = params.has("open_now");
    form.elements.step_free.checked = params.has("step_free");
    form.elements.place.value = params.get("place") || "";
    field.value = query;
    if (query) {
      searchTown(query, true);
    } else {
      const own = Boolean(history.state && history.state.own);
      origin = { lat: rounded(lat), lon: rounded(lon), label: own ? messages.yourPosition : messages.positionGiven, own: own };
      listNearest(true);
    }
  }

  // --- Kept on the phone: the last searches' places, offline ---------------------------
  // README, "Installing the site and using it offline". offline.js keeps them in
  // IndexedDB (window.keptPlaces); hours.js recomputes their opening state here, in each
  // place's own time zone, as the server would.

  const offline = document.getElementById("offline");
  const keep = document.getElementById("keep");
  // offline.js is deferred: it runs after this script, before DOMContentLoaded.
  const kept = {
    all: () => window.keptPlaces.all(),
    save: (search) => window.keptPlaces.save(search),
    refresh: (url) => window.keptPlaces.refresh(url),
  };
  const OLD_AFTER = 7 * 24 * 3600 * 1000;
  const savedFormat = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });

  function searchKey() {
    return origin.own ? "position" : "town:" + origin.label;
  }

  // Every search's results, as shown; a place that opens later too.
  function keepSearch(data) {
    const places = data.results.concat(data.next_open ? [data.next_open.partner] : []);
    if (!places.length) return;
    const territory = data.territory && data.territory.code;
    kept.save({ key: searchKey(), label: origin.own ? "" : origin.label, territory: territory, places: places }).catch(() => {});
  }

  // "Keep this town's places": its 20 nearest, open or not, whatever the filters.
  document.getElementById("keep-town").addEventListener("click", async () => {
    if (!origin || !origin.query) return;
    const place = origin.label;
    const params = new URLSearchParams({ lat: origin.lat, lon: origin.lon, limit: 20 });
    try {
      const data = await fetchJson(config.nearestUrl + "?" + params);
      const territory = data.territory && data.territory.code;
      await kept.save({ key: "town:" + place, label: place, territory: territory, places: data.results, kept: true });
      status.textContent = plural(messages.keptTown, data.results.length, { count: data.results.length, near: near(place) });
    } catch (error) {
      status.textContent = messages.keepFailed;
    }
  });

  function openingOffline(place, when) {
    const state = window.openingState(place.opening_hours, place.time_zone, when, place.closures);
    // hours.js gives wall-clock times as Dates whose UTC fields read them.
    const text = state.next ? openingText(state.open, changeWords(state.next, state.today, "UTC")) : state.open ? messages.openNow : messages.closed;
    if (place.time_zone !== config.mainlandZone) text += " (" + config.timeNames[place.time_zone] + ")";
    return { open: state.open, text: text };
  }

  function keptItem(place, when) {
    const item = make("li", "result");
    item.append(make("h4", "", place.name));
    const facts = [config.kinds[place.kind] || place.kind_label];
    if (place.step_free) facts.push(messages.stepFree);
    item.append(make("p", "", facts.join(" · ")));
    item.append(make("p", "", [place.address, [place.postcode, place.city].join(" ")].join(", ")));
    const state = openingOffline(place, when);
    item.append(make("p", state.open ? "open" : "closed", state.text));
    item.append(placeActions(place, ""));
    return item;
  }

  function numbersOf(code) {
    const numbers = make("ul", "call-links");
    for (const line of config.numbers[code] || []) {
      const call = link(line.href, "");
      call.className = "call" + (line.urgent ? " urgent" : "");
      const label = line.label + (line.hours ? " (" + line.hours + ")" : "");
      call.append(make("strong", "", (line.sms ? messages.sms + " " : "") + line.number), make("span", "", label));
      const item = make("li");
      item.append(call);
      numbers.append(item);
    }
    return numbers;
  }

  // Open places first, each search's own order otherwise (nearest first).
  async function showKept(focus) {
    let searches = [];
    try {
      searches = (await kept.all()).filter((search) => search.places.length);
    } catch (error) {
      return;
    }
    const offlineTitle = document.getElementById("offline-title");
    const old = document.getElementById("offline-old");
    const box = document.getElementById("offline-searches");
    keep.hidden = true;
    resultsArea.hidden = false;
    hint.hidden = true;
    if (!searches.length) {
      offlineTitle.textContent = messages.offlineNothing;
      old.hidden = true;
      box.replaceChildren(make("p", "", messages.inDanger), numbersOf(config.mainland));
    } else {
      const latest = searches[0].savedAt;
      offlineTitle.textContent = format(messages.offlineTitle, { date: savedFormat.format(new Date(latest)) });
      old.textContent = messages.offlineOld;
      old.hidden = Date.now() - searches[searches.length - 1].savedAt <= OLD_AFTER;
      const when = new Date();
      const parts = [];
      searches.forEach((search, index) => {
        const heading = make("h3", "", format(messages.keptNear, {
          near: near(search.label || messages.yourPosition),
          date: savedFormat.format(new Date(search.savedAt)),
        }));
        const places = make("ol", "results");
        places.append(...search.places.map((place) => keptItem(place, when)));
        parts.push(heading, places);
        if (index === 0 && search.territory) parts.push(make("p", "", messages.inDanger), numbersOf(search.territory));
      });
      box.replaceChildren(...parts);
    }
    offline.hidden = false;
    // For the offline reload's budget (tests/public/test_offline_browser.py).
    performance.mark("offline-shown");
    if (focus !== false) {
      showView("list");
      offlineTitle.focus({ preventScroll: true });
      offlineTitle.scrollIntoView({ block: "start" });
    }
  }

  document.addEventListener("site-data-cleared", () => {
    offline.hidden = true;
    keep.hidden = true;
  });

  window.addEventListener("popstate", searchFromAddress);
  if (navigator.onLine) searchFromAddress();
  document.addEventListener("DOMContentLoaded", () => {
    // Online: the kept places are read again; a place that left the network goes.
    if (navigator.onLine) kept.refresh(config.detailApiUrl).catch(() => {});
    else showKept(true);
  });
  window.addEventListener("offline", () => showKept(false));
  // The network is back while the kept list is shown: its places are checked again.
  window.addEventListener("online", async () => {
    try {
      await kept.refresh(config.detailApiUrl);
    } catch (error) {
      return;
    }
    if (!offline.hidden) showKept(false);
  });
})();
