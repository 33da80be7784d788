// The public map: approved partners, clustered. The page stays usable without it.
(function () {
  "use strict";
  var element = document.getElementById("map");
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var mainland = config.territories.metropole;
  var map = L.map(element).setView(mainland.centre, mainland.zoom);
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);

  var clusters = L.markerClusterGroup({ chunkedLoading: true });
  map.addLayer(clusters);

  fetch(element.dataset.geojsonUrl)
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var markers = data.features.map(function (feature) {
        var c = feature.geometry.coordinates;
        var marker = L.marker([c[1], c[0]], { title: feature.properties.name });
        marker.bindPopup(function () {
          var link = document.createElement("a");
          link.href = "lieux/" + feature.id + "/";
          link.textContent = feature.properties.name;
          return link;
        });
        return marker;
      });
      clusters.addLayers(markers);
      element.dataset.loaded = String(markers.length);
    });
})();
