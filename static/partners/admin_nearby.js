// The partner's change page: the partners within 1 km as circles on the location
// widget's map, beside the application's own (draggable) pin. Their list is in the
// page too, so the map only adds the picture.
(function () {
  "use strict";
  // The pin is Leaflet's default marker, named by its served (hashed) images: Leaflet
  // would guess their folder from its stylesheet, which fails in production. The widget
  // draws its map on the window's load, after this.
  document.addEventListener("DOMContentLoaded", function () {
    var icon = document.getElementById("leaflet-marker-icon");
    if (icon) {
      L.Icon.Default.imagePath = "";
      L.Icon.Default.mergeOptions(JSON.parse(icon.textContent));
    }
  });

  // Names come from anonymous applicants: Leaflet parses a string tooltip as HTML, so
  // it gets an element whose text is set, never markup.
  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  window.addEventListener("map:init", function (event) {
    var data = document.getElementById("nearby-partners");
    if (!data) {
      return;
    }
    var map = event.detail.map;
    JSON.parse(data.textContent).forEach(function (partner) {
      L.circleMarker([partner.lat, partner.lon], {
        radius: 7,
        color: partner.approved ? "#0b5e6b" : "#b35c00",
        weight: 2,
        fillOpacity: 0.35
      })
        .bindTooltip(label(partner.name + " (" + partner.status + ")"))
        .addTo(map);
    });
  });
})();
