// Directions in the phone's own maps app, walking: Apple Maps on iPhone and iPad, a geo:
// link (which Android hands to the maps app the person chose) on Android, and
// OpenStreetMap's walking directions elsewhere, as the page's links say without JavaScript.
// One link a place: an iPhone does nothing with geo:, and a desktop has no maps app.
// map.js builds its results' links with directionsHref; the server-rendered pages mark
// theirs with data-directions (templates/partners/public/_directions.html).
(function () {
  "use strict";
  const agent = navigator.userAgent;
  // iPadOS presents itself as a Mac, but one with a touch screen.
  const ios = /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
  const android = /Android/.test(agent);

  // from: "lat,lon" of the searcher, when known (OpenStreetMap only: the maps apps start
  // from the phone's own position).
  function directionsHref(lat, lon, name, from) {
    const to = lat + "," + lon;
    if (ios) return "https://maps.apple.com/?daddr=" + to + "&dirflg=w";
    if (android) return "geo:" + to + "?q=" + to + "(" + encodeURIComponent(name) + ")";
    const params = new URLSearchParams({ engine: "fossgis_osrm_foot", to: to });
    if (from) params.set("from", from);
    return "https://www.openstreetmap.org/directions?" + params;
  }

  window.directionsHref = directionsHref;
  for (const link of document.querySelectorAll("a[data-directions]")) {
    link.href = directionsHref(link.dataset.lat, link.dataset.lon, link.dataset.name);
  }
})();
