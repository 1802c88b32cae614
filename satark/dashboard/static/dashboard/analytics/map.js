/* The hotspot map: district boundaries, police stations and tip clusters from the page's JSON
   (json_script "map-data"). Tiles only when the server configured a tile URL (SATARK_MAP_TILE_URL):
   on a police LAN with no internet the map still draws everything it needs. */
(function () {
  "use strict";
  var holder = document.getElementById("hotspot-map");
  var source = document.getElementById("map-data");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(holder, { preferCanvas: false, attributionControl: !!data.tiles, zoomSnap: 0.25 });
  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.attribution || "", maxZoom: 18 }).addTo(map);
  }
  var boundaries = L.geoJSON(data.districts, {
    style: function () { return { className: "district", color: "#0b2e6b", weight: 2, fillColor: "#dfe8f5", fillOpacity: 0.35 }; },
    onEachFeature: function (feature, layer) { layer.bindTooltip(feature.properties.name, { sticky: true }); }
  }).addTo(map);
  var stations = L.layerGroup().addTo(map);
  data.stations.forEach(function (s) {
    L.circleMarker([s.lat, s.lon], { className: "station", radius: 3, color: "#555", weight: 1, fillColor: "#fff", fillOpacity: 1 })
      .bindTooltip(s.name).addTo(stations);
  });
  var clusters = L.layerGroup().addTo(map);
  data.clusters.forEach(function (c) {
    var radius = 6 + 4 * Math.sqrt(c.size);
    var text = c.count + " " + data.labels.tips + (c.station ? " · " + data.labels.station + ": " + c.station : "") +
      (c.categories ? " · " + c.categories : "");
    L.circleMarker([c.lat, c.lon], { className: "cluster", radius: radius, color: "#fff", weight: 1, fillColor: "#c62828", fillOpacity: 0.7 })
      .bindTooltip(text).addTo(clusters);
    var label = document.createElement("span");
    label.textContent = c.count;  /* text, never HTML: a coarsened count reads "<3" */
    L.marker([c.lat, c.lon], { icon: L.divIcon({ className: "cluster-count", html: label, iconSize: [28, 14] }), interactive: false })
      .addTo(clusters);
  });
  var bounds = boundaries.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); } else { map.setView([25.6, 83.2], 8); }
  L.control.layers(null, { "Police stations": stations, "Tips": clusters }, { collapsed: true }).addTo(map);
  holder.setAttribute("data-districts", String(data.districts.features.length));
  holder.setAttribute("data-stations", String(data.stations.length));
  holder.setAttribute("data-clusters", String(data.clusters.length));
  holder.setAttribute("data-ready", "1");
})();
