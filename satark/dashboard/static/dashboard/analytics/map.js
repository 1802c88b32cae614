/* The hotspot map: district boundaries, police stations and the places (~300 m squares of a fixed grid)
   from the page's JSON (json_script "map-data"). Squares are painted on canvas tiles, so tens of thousands
   of them stay cheap to draw; clicking a square opens its counts. The biggest places carry their rank from
   the table below the map. Tiles only when the server configured a tile URL (SATARK_MAP_TILE_URL): on a
   police LAN with no internet the map still draws everything it needs. */
(function () {
  "use strict";
  var holder = document.getElementById("hotspot-map");
  var source = document.getElementById("map-data");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var spots = data.hotspots;
  var map = L.map(holder, { attributionControl: !!data.tiles, zoomSnap: 0.25 });
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

  /* [row, column, count shown, colour class, pinned, station index (-1 none, -2 several),
     category index (-2 several), rank];
     a square's south edge is row * dLat and its west edge column * dLon (the server's own arithmetic). */
  var dLat = spots.cell[0], dLon = spots.cell[1];
  var COLOURS = ["#f6b26b", "#e69138", "#cc4125", "#a61c00", "#5b0f00"];
  var byKey = {};
  spots.cells.forEach(function (c) {
    byKey[c[0] + ":" + c[1]] = c;
  });

  /* A square is drawn at least MIN pixels wide, around its centre, so that zoomed out to a district or the
     range a place with one tip is still a visible dot (neighbours then overlap, as on a heat map). */
  var MIN = 6;
  var Squares = L.GridLayer.extend({
    createTile: function (coords) {
      var tile = document.createElement("canvas");
      var size = this.getTileSize();
      tile.width = size.x;
      tile.height = size.y;
      var ctx = tile.getContext("2d");
      var origin = coords.scaleBy(size);
      var nw = map.unproject(origin.subtract([MIN, MIN]), coords.z);
      var se = map.unproject(origin.add(size).add([MIN, MIN]), coords.z);
      ctx.globalAlpha = 0.8;
      spots.cells.forEach(function (c) {
        var s = c[0] * dLat, w = c[1] * dLon, n = s + dLat, e = w + dLon;
        if (n < se.lat || s > nw.lat || e < nw.lng || w > se.lng) { return; }
        var a = map.project([n, w], coords.z).subtract(origin);
        var b = map.project([s, e], coords.z).subtract(origin);
        var wpx = b.x - a.x, hpx = b.y - a.y;
        if (wpx < MIN) { a.x -= (MIN - wpx) / 2; wpx = MIN; }
        if (hpx < MIN) { a.y -= (MIN - hpx) / 2; hpx = MIN; }
        ctx.fillStyle = COLOURS[c[3]];
        ctx.fillRect(a.x, a.y, wpx, hpx);
      });
      return tile;
    }
  });
  map.createPane("places").style.zIndex = 450;  /* above the district fill, below the markers */
  var squares = new Squares({ pane: "places" }).addTo(map);

  var ranks = L.layerGroup().addTo(map);
  spots.cells.forEach(function (c) {
    if (!c[7]) { return; }
    var label = document.createElement("span");
    label.textContent = String(c[7]);  /* text, never HTML */
    L.marker([(c[0] + 0.5) * dLat, (c[1] + 0.5) * dLon], {
      icon: L.divIcon({ className: "place-rank", html: label, iconSize: [22, 14] }), interactive: false
    }).addTo(ranks);
  });

  function describe(c) {
    var parts = [c[2] + " " + data.labels.tips];
    if (c[7]) { parts.unshift("#" + c[7]); }
    if (c[5] !== -1) { parts.push(data.labels.station + ": " + (c[5] >= 0 ? spots.stationNames[c[5]] : data.labels.several)); }
    parts.push(data.labels.categories + ": " + (c[6] >= 0 ? spots.categoryNames[c[6]] : data.labels.several));
    if (c[4]) { parts.push(data.labels.pinned); }
    return parts;
  }
  var popup = L.popup({ className: "place-popup" });
  /* The square clicked, or at a zoom where squares are a pixel or two wide the nearest one within
     TOUCH pixels, so a finger or a mouse can still pick it. */
  var TOUCH = 10;
  function placeAt(latlng) {
    var cy = Math.floor(latlng.lat / dLat), cx = Math.floor(latlng.lng / dLon);
    if (byKey[cy + ":" + cx]) { return byKey[cy + ":" + cx]; }
    var here = map.latLngToContainerPoint(latlng);
    var reach = map.containerPointToLatLng(here.add([TOUCH, TOUCH]));
    var ry = Math.min(25, Math.ceil(Math.abs(reach.lat - latlng.lat) / dLat));
    var rx = Math.min(25, Math.ceil(Math.abs(reach.lng - latlng.lng) / dLon));
    var best = null, bestD = TOUCH + 1;
    for (var dy = -ry; dy <= ry; dy++) {
      for (var dx = -rx; dx <= rx; dx++) {
        var c = byKey[(cy + dy) + ":" + (cx + dx)];
        if (!c) { continue; }
        var d = here.distanceTo(map.latLngToContainerPoint([(c[0] + 0.5) * dLat, (c[1] + 0.5) * dLon]));
        if (d < bestD) { best = c; bestD = d; }
      }
    }
    return best;
  }
  var popup = L.popup({ className: "place-popup" });
  map.on("click", function (ev) {
    var c = placeAt(ev.latlng);
    if (!c) { return; }
    var box = document.createElement("div");
    describe(c).forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line;  /* names are data: text, never HTML */
      box.appendChild(row);
    });
    popup.setLatLng([(c[0] + 0.5) * dLat, (c[1] + 0.5) * dLon]).setContent(box).openOn(map);
  });

  var bounds = boundaries.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); } else { map.setView([25.6, 83.2], 8); }
  var overlays = {};
  overlays[data.labels.stationsLayer] = stations;
  overlays[data.labels.placesLayer] = squares;
  overlays[data.labels.ranksLayer] = ranks;
  L.control.layers(null, overlays, { collapsed: true }).addTo(map);
  holder.setAttribute("data-districts", String(data.districts.features.length));
  holder.setAttribute("data-stations", String(data.stations.length));
  holder.setAttribute("data-places", String(spots.cells.length));
  holder.setAttribute("data-ranked", String(ranks.getLayers().length));
  holder.setAttribute("data-ready", "1");
})();
