// The review page of a venue's proposed changes: the public and the proposed location on
// a small map, joined by a line. The page says both (coordinates and distance) without it.
(function () {
  "use strict";
  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function draw() {
    var element = document.getElementById("changes-map");
    var source = document.getElementById("changes-map-data");
    if (!element || !source || !window.L) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { maxZoom: data.maxZoom });
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: data.maxZoom }).addTo(map);
    }
    L.polyline([data.before, data.after], { color: "#444", weight: 2, dashArray: "4 4" }).addTo(map);
    L.circleMarker(data.before, { radius: 8, color: "#595959", fillColor: "#bdbdbd", fillOpacity: 0.8, weight: 3 })
      .bindTooltip(label(data.beforeLabel), { permanent: true, direction: "left" })
      .addTo(map);
    L.circleMarker(data.after, { radius: 8, color: "#0b5394", fillColor: "#6fa8dc", fillOpacity: 0.8, weight: 3 })
      .bindTooltip(label(data.afterLabel), { permanent: true, direction: "right" })
      .addTo(map);
    map.fitBounds(L.latLngBounds([data.before, data.after]), { padding: [40, 40], maxZoom: 17 });
    element.setAttribute("data-ready", "");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
