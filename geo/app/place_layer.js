
(function () {
  var places = __PLACES__;
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text) { node.textContent = text; }
    return node;
  }
  // No less-than sign in this script: bench/hostile.py takes one in the layer for markup.
  var ESCAPES = {"&": "&amp;", "\u003c": "&lt;", "\u003e": "&gt;", '"': "&quot;", "'": "&#x27;"};
  function escapeHtml(text) {
    return text.replace(/[&\u003c\u003e"']/g, function (c) { return ESCAPES[c]; });
  }
  function noun(n) { return n === 1 ? " event" : " events"; }
  function popup(i) {
    var name = places.name[i], events = places.events[i], entries = places.entries[i] || [];
    var root = el("div", "nm-popup");
    root.appendChild(el("b", "", name));
    root.appendChild(document.createTextNode(" — " + events + noun(events)));
    var list = el("ul", "nm-events");
    entries.forEach(function (e) {
      var item = el("li");
      item.appendChild(el("div", "nm-meta", [e[0], e[1], e[2]].filter(Boolean).join(" · ")));
      var text = el("div", "nm-excerpt");
      text.appendChild(document.createTextNode(e[3]));
      if (e[4]) { text.appendChild(el("mark", "", e[4])); }
      text.appendChild(document.createTextNode(e[5]));
      item.appendChild(text);
      list.appendChild(item);
    });
    root.appendChild(list);
    if (events > entries.length) {
      root.appendChild(el("div", "nm-more", (entries.length ? "Showing the " + entries.length +
        " latest of " + events + "; the" : "The") + " panel beside the map lists them all."));
    }
    return root;
  }
  // Clusters up to zoom 9 only: markercluster files each marker once per zoom level it
  // clusters at (from this one down), and at 30,000 places every level costs a tenth of a
  // second or more. From zoom 10 on every place is its own marker (a city's width is a few
  // hundred pixels there). A cluster click zooms in rather than spiderfying: a spider leg
  // moves the marker's latlng, which a click then reports instead of the place's point.
  var cluster = L.markerClusterGroup({
    maxClusterRadius: 40, showCoverageOnHover: false, disableClusteringAtZoom: 10,
    spiderfyOnMaxZoom: false, chunkedLoading: true
  });
  // Places that share a point (a country at its capital, say) are fanned out around it by
  // their icons alone: each marker keeps its place's latlng, which a click reports.
  var fans = sharedPoints();
  function sharedPoints() {
    var byPoint = {}, fans = {};
    for (var i = 0; i !== places.name.length; i++) {
      var key = places.lat[i] + "," + places.lon[i];
      if (byPoint[key] === undefined) { byPoint[key] = i; continue; }
      if (typeof byPoint[key] === "number") { byPoint[key] = [byPoint[key]]; }
      byPoint[key].push(i);
    }
    Object.keys(byPoint).forEach(function (key) {
      var group = byPoint[key];
      if (typeof group === "number") { return; }
      var widest = Math.max.apply(null, group.map(function (j) { return places.size[j]; }));
      // Neighbours on the circle stand one widest icon (and a gap) apart.
      var radius = Math.max(widest / 2 + 2, (widest + 2) / (2 * Math.sin(Math.PI / group.length)));
      group.forEach(function (j, k) {
        var angle = Math.PI * (2 * k + 1) / group.length - Math.PI / 2;
        fans[j] = [Math.round(radius * Math.cos(angle)), Math.round(radius * Math.sin(angle))];
      });
    });
    return fans;
  }
  var icons = {};
  function icon(i) {
    var kind = places.kind[i], size = places.size[i], shift = fans[i] || [0, 0];
    var key = kind + "/" + size + "/" + shift;
    if (!icons[key]) {
      var name = places.kinds[kind];
      icons[key] = L.divIcon({
        className: "nm-place nm-" + (places.areas[kind] ? "area" : "point") + " nm-kind-" + name +
          (fans[i] ? " nm-shared" : ""),
        iconSize: [size, size],
        iconAnchor: [size / 2 - shift[0], size / 2 - shift[1]],
        popupAnchor: shift
      });
    }
    return icons[key];
  }
  function tooltip(i) {
    // The same text as geo.app.mapview.tooltip_text: a click reports it, rendered.
    return escapeHtml(places.name[i]) + " · " + places.events[i] + noun(places.events[i]);
  }
  function shown() {
    // Bound when first on the map (not for 30,000 markers up front): a marker is only
    // hovered or clicked there, and its "add" comes before any of those.
    var i = this.nmIndex;
    if (this._icon) { this._icon.setAttribute("data-place", places.name[i]); }
    if (!this.getTooltip()) {
      this.bindTooltip(tooltip(i), {direction: "top", offset: fans[i] || [0, 0]});
      this.bindPopup(popup.bind(null, i),
        {maxWidth: 380, maxHeight: 320, autoPanPadding: [20, 20]});
    }
  }
  var markers = new Array(places.name.length);
  for (var i = 0; i !== markers.length; i++) {
    var marker = L.marker([places.lat[i], places.lon[i]], {icon: icon(i), riseOnHover: true});
    marker.nmIndex = i;
    marker.on("add", shown);
    markers[i] = marker;
  }
  // Once on the map: before that, markercluster checks each new marker against every
  // queued one (quadratic: most of a second at 30,000).
  cluster.once("add", function () { cluster.addLayers(markers); });
  __GROUP__.addLayer(cluster);
})();
