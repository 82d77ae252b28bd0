/* Maps drawn with Leaflet (from npm, see package.json), only as an enhancement: every map stands
   beside a form or a table that does the same job without JavaScript.

   [data-civic-map]      clustered points, or shapes (areas, lines), of a table from its bounded
                         GeoJSON endpoint, with "Filter to this area" (fills the table page's area
                         form, or opens the table with `_bbox`; shapes are kept when their bounding
                         box overlaps the area) and, for shapes, a list of the drawn shapes in words.
   [data-civic-box-map]  draw a box (or take the visible area) to fill a "west,south,east,north" field.

   Texts come from data-label-* attributes, translated by the server. */
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) {
      return String(values[key]);
    });
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function round(x) {
    return Math.round(x * 100000) / 100000;
  }

  function clampBox(bounds) {
    var sw = bounds.getSouthWest().wrap();
    var ne = bounds.getNorthEast().wrap();
    var west = Math.max(-180, round(Math.min(sw.lng, ne.lng)));
    var east = Math.min(180, round(Math.max(sw.lng, ne.lng)));
    if (bounds.getEast() - bounds.getWest() >= 360) {
      west = -180;
      east = 180;
    }
    return [west, Math.max(-90, round(sw.lat)), east, Math.min(90, round(ne.lat))];
  }

  function baseMap(canvas, figure, label) {
    canvas.hidden = false;
    var map = L.map(canvas, { keyboard: true, scrollWheelZoom: false, worldCopyJump: true });
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", label);
    var tiles = figure.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: figure.getAttribute("data-attribution") || "" }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    return map;
  }

  function pointsMap(figure) {
    var canvas = figure.querySelector(".civic-map__canvas");
    var status = figure.querySelector(".civic-map__status");
    var button = figure.querySelector(".civic-map__area");
    var label = function (name) {
      return figure.getAttribute("data-label-" + name) || "";
    };
    status.textContent = label("loading");
    var map = baseMap(canvas, figure, label("map"));
    map.setView([0, 0], 1);
    // The visible area, as "Filter to this area" would send it (kept current for scripts and tests).
    map.on("moveend", function () {
      figure.setAttribute("data-view", clampBox(map.getBounds()).join(","));
    });
    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        // An HTML string (not an element): markercluster may create an icon more than once.
        var html =
          '<div><span aria-hidden="true">' + count + '</span><span class="usa-sr-only">' +
          escapeHtml(fill(label("cluster"), { count: count })) + "</span></div>";
        return L.divIcon({ html: html, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
      },
    });
    map.addLayer(clusters);
    // The page's charts may hold every query slot for a moment: a 503 is retried after Retry-After.
    function load(attempt) {
      return fetch(figure.getAttribute("data-points"), { headers: { Accept: "application/geo+json" } }).then(function (response) {
        if (response.status === 503 && attempt < 10) {
          var wait = 1000 * (Number(response.headers.get("Retry-After")) || 1);
          return new Promise(function (resolve) {
            setTimeout(resolve, wait);
          }).then(function () {
            return load(attempt + 1);
          });
        }
        if (!response.ok) throw new Error(response.status);
        return response.json();
      });
    }
    // Areas and lines (a GeoJSON upload's shapes) are drawn as they are; points are clustered.
    var shapes = L.featureGroup().addTo(map);
    var shapeStyle = { color: "#162e51", weight: 2, fillColor: "#2491ff", fillOpacity: 0.25 };
    function kindOf(type) {
      if (/Polygon$/.test(type)) return label("area");
      if (/LineString$/.test(type)) return label("line");
      return label("point");
    }
    load(0)
      .then(function (data) {
        var markers = [];
        var drawn = [];
        data.features.forEach(function (feature) {
          var text = feature.properties && feature.properties.label;
          var layer;
          if (feature.geometry.type === "Point") {
            var c = feature.geometry.coordinates;
            layer = L.circleMarker([c[1], c[0]], { radius: 6, weight: 2, color: "#162e51", fillColor: "#2491ff", fillOpacity: 0.8 });
            markers.push(layer);
          } else {
            layer = L.geoJSON(feature, { style: shapeStyle });
            shapes.addLayer(layer);
            drawn.push({ text: text, type: feature.geometry.type, centre: layer.getBounds().getCenter() });
          }
          if (text) {
            var popup = document.createElement("span");
            popup.textContent = text;
            layer.bindPopup(popup);
          }
        });
        clusters.addLayers(markers);
        var shown = data.features.length;
        var isShapes = data.vertex_limit !== undefined;
        if (!shown) {
          status.textContent = label("none");
        } else if (data.capped) {
          status.textContent = fill(label(isShapes ? "shapes-capped" : "capped"), { shown: shown.toLocaleString(), total: data.located_count.toLocaleString() });
        } else {
          status.textContent = fill(label(isShapes ? "shapes-shown" : "shown"), { shown: shown.toLocaleString() });
        }
        var simplified = figure.querySelector(".civic-map__simplified");
        if (simplified && data.simplified) {
          simplified.textContent = label("simplified");
          simplified.hidden = false;
        }
        // The text alternative: each drawn shape by name, kind and rough centre.
        var words = figure.querySelector(".civic-map__words");
        if (words && drawn.length) {
          var list = words.querySelector("ul");
          drawn.forEach(function (item) {
            var li = document.createElement("li");
            li.textContent = fill(label("around"), {
              label: item.text || label("unnamed"),
              kind: kindOf(item.type),
              lat: item.centre.lat.toFixed(4),
              lon: item.centre.lng.toFixed(4),
            });
            list.appendChild(li);
          });
          words.hidden = false;
        }
        if (shown) {
          var bounds = L.latLngBounds([]);
          if (markers.length) bounds.extend(clusters.getBounds());
          if (drawn.length) bounds.extend(shapes.getBounds());
          map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
        }
        figure.setAttribute("data-points-shown", String(shown));
      })
      .catch(function () {
        status.textContent = label("failed");
      });
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var box = clampBox(map.getBounds());
        var formId = figure.getAttribute("data-area-form");
        var form = formId && document.getElementById(formId);
        if (form) {
          ["west", "south", "east", "north"].forEach(function (name, i) {
            form.elements[name].value = box[i];
          });
          if (form.requestSubmit) form.requestSubmit();
          else form.submit();
        } else {
          window.location.href = figure.getAttribute("data-area-url") + "?_bbox=" + box.join(",") + "#results";
        }
      });
    }
  }

  function boxMap(figure) {
    var canvas = figure.querySelector(".civic-map__canvas");
    var status = figure.querySelector(".civic-map__status");
    var input = document.getElementById(figure.getAttribute("data-input"));
    var drawButton = figure.querySelector(".civic-map__draw");
    var viewButton = figure.querySelector(".civic-map__view");
    var label = function (name) {
      return figure.getAttribute("data-label-" + name) || "";
    };
    var map = baseMap(canvas, figure, label("map"));
    var rectangle = null;
    var drawing = false;
    var start = null;

    function show(box) {
      var bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
      if (rectangle) rectangle.setBounds(bounds);
      else rectangle = L.rectangle(bounds, { color: "#162e51", weight: 2, fillOpacity: 0.1 }).addTo(map);
      return bounds;
    }

    function choose(box) {
      show(box);
      input.value = box.join(",");
      status.textContent = fill(label("chosen"), { box: input.value });
    }

    var parts = (input.value || "").split(",").map(Number);
    if (parts.length === 4 && parts.every(function (x) { return !isNaN(x); })) {
      map.fitBounds(show(parts), { padding: [20, 20] });
    } else {
      map.setView([20, 0], 1);
    }

    function stop() {
      drawing = false;
      start = null;
      map.dragging.enable();
      canvas.classList.remove("civic-map__canvas--drawing");
      drawButton.setAttribute("aria-pressed", "false");
    }

    drawButton.hidden = false;
    viewButton.hidden = false;
    status.textContent = label("ready");
    drawButton.addEventListener("click", function () {
      if (drawing) {
        stop();
        return;
      }
      drawing = true;
      map.dragging.disable();
      canvas.classList.add("civic-map__canvas--drawing");
      drawButton.setAttribute("aria-pressed", "true");
      status.textContent = label("drawing");
    });
    viewButton.addEventListener("click", function () {
      choose(clampBox(map.getBounds()));
    });
    map.on("mousedown", function (event) {
      if (!drawing) return;
      start = event.latlng;
    });
    map.on("mousemove", function (event) {
      if (!drawing || !start) return;
      show(clampBox(L.latLngBounds(start, event.latlng)));
    });
    map.on("mouseup", function (event) {
      if (!drawing || !start) return;
      var box = clampBox(L.latLngBounds(start, event.latlng));
      stop();
      choose(box);
    });
  }

  function init(root) {
    if (typeof L === "undefined") return;
    root.querySelectorAll("[data-civic-map]:not([data-ready])").forEach(function (figure) {
      figure.setAttribute("data-ready", "");
      pointsMap(figure);
    });
    root.querySelectorAll("[data-civic-box-map]:not([data-ready])").forEach(function (figure) {
      figure.setAttribute("data-ready", "");
      boxMap(figure);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
  });
  // htmx swaps the table page's results region after a filter change: draw its new map.
  document.addEventListener("htmx:load", function (event) {
    init(event.target);
  });
})();
