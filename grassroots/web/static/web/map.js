/* The map (一张图): unit boundaries with drill-down, grids shaded by open or overdue cases, case
 * markers in clusters, facilities by kind, and a side panel loaded with htmx.
 *
 * Everything comes from the page's #map-config (grassroots/web/views/map.py). With no tile source
 * configured (config.tiles is null) the map adds no tile layer at all and draws boundaries and
 * markers on a plain background: it works offline.
 */
(function () {
  "use strict";

  const configNode = document.getElementById("map-config");
  const container = document.getElementById("map");
  if (!configNode || !container || typeof L === "undefined") return;

  const config = JSON.parse(configNode.textContent);
  const text = config.text;
  const panel = document.getElementById("map-panel");
  const crumbs = document.getElementById("map-crumbs");
  const status = document.getElementById("map-status");
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const narrow = window.matchMedia("(max-width: 700px)").matches;

  // Shading classes 0 (no case) to 4, light to dark.
  const SHADES = ["#f2f0e9", "#fde0c5", "#f9b27a", "#ef7a45", "#c9412a"];
  const FACILITY_COLORS = {
    party_service: "#c62828",
    convenience: "#1565c0",
    governance: "#4e342e",
    culture_sports: "#6a1b9a",
    health: "#00897b",
    day_care: "#ef6c00",
    children: "#d81b60",
    volunteer: "#2e7d32",
    other: "#546e7a",
  };
  const CASE_COLORS = { green: "#2e8b57", yellow: "#e6a700", red: "#c62828" };

  function urlFor(name, code) {
    return config.urls[name].replace("__CODE__", encodeURIComponent(code));
  }

  function esc(value) {
    const span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function format(template, n) {
    return template.replace("%(n)s", String(n));
  }

  // -- the map and its panes ---------------------------------------------------------------------------

  const map = L.map(container, { zoomSnap: 0.25, maxZoom: 19, keyboard: true });
  if (config.tiles) {
    L.tileLayer(config.tiles.url, {
      attribution: esc(config.tiles.attribution),
      subdomains: config.tiles.subdomains,
      maxZoom: 18,
    }).addTo(map);
  }
  // Grid shading below the boundaries, so that a click inside a child unit drills down.
  map.createPane("grids").style.zIndex = "410";
  map.createPane("bounds").style.zIndex = "420";

  let current = config.unit;
  let measure = "open";
  let selected = null; // the grid whose panel is open

  function shadeClass(n) {
    let cls = 0;
    config.scales[measure].forEach(function (min, i) {
      if (n >= min) cls = i + 1;
    });
    return cls;
  }

  function countsLine(p) {
    return p.open + " " + text.open_count + " · " + p.overdue + " " + text.overdue_count;
  }

  // -- layers ------------------------------------------------------------------------------------------

  let childCount = 0; // children of the unit shown: their names are labelled when few

  const bounds = L.geoJSON(null, {
    pane: "bounds",
    style: function (feature) {
      if (feature.properties.role === "self") {
        return { color: "#b3261e", weight: 3, fill: false, interactive: false };
      }
      return { color: "#5d4037", weight: 1.5, fillColor: "#ffffff", fillOpacity: 0 };
    },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { pane: "bounds", radius: 6, color: "#5d4037", fillOpacity: 0.6 });
    },
    onEachFeature: function (feature, layer) {
      const p = feature.properties;
      if (p.role === "self") return;
      layer.bindTooltip(esc(p.name) + "<br>" + esc(countsLine(p)), {
        permanent: childCount <= 30,
        direction: "center",
        className: "map-label",
      });
      layer.on("click", function () {
        if (p.grid) selectGrid(p.code);
        else drill(p.code);
      });
      layer.on("mouseover", function () {
        layer.setStyle({ weight: 3 });
      });
      layer.on("mouseout", function () {
        bounds.resetStyle(layer);
      });
    },
  });

  const grids = L.geoJSON(null, {
    pane: "grids",
    style: function (feature) {
      const p = feature.properties;
      const chosen = p.code === selected;
      return {
        color: chosen ? "#1f2328" : "#8d8173",
        weight: chosen ? 3 : 0.8,
        fillColor: SHADES[shadeClass(p[measure])],
        fillOpacity: 0.75,
      };
    },
    onEachFeature: function (feature, layer) {
      const p = feature.properties;
      layer.bindTooltip(esc(p.name) + "<br>" + esc(countsLine(p)), { sticky: true });
      layer.on("click", function () {
        selectGrid(p.code);
      });
    },
  });

  function dotIcon(color) {
    return L.divIcon({ className: "case-dot " + color, iconSize: [14, 14] });
  }

  function clusterIcon(cluster) {
    let worst = "green";
    const children = cluster.getAllChildMarkers();
    for (let i = 0; i < children.length; i++) {
      const color = children[i].options.caseColor;
      if (color === "red") {
        worst = "red";
        break;
      }
      if (color === "yellow") worst = "yellow";
    }
    const n = cluster.getChildCount();
    const size = n < 10 ? 30 : n < 100 ? 36 : 44;
    return L.divIcon({
      html: "<span>" + n + "</span>",
      className: "case-cluster " + worst,
      iconSize: [size, size],
    });
  }

  const cases = L.markerClusterGroup({
    iconCreateFunction: clusterIcon,
    showCoverageOnHover: false,
    maxClusterRadius: 50,
    chunkedLoading: true,
  });

  function casePopup(p) {
    const box = document.createElement("div");
    box.className = "map-popup";
    const h = document.createElement("h3");
    h.className = "mono";
    h.textContent = p.number;
    const title = document.createElement("p");
    title.textContent = p.title;
    const state = document.createElement("p");
    const chip = document.createElement("span");
    chip.className = "chip " + p.color;
    chip.textContent = p.state;
    state.appendChild(chip);
    const link = document.createElement("a");
    link.href = p.url;
    link.textContent = text.open_case;
    const linkLine = document.createElement("p");
    linkLine.appendChild(link);
    box.append(h, title, state, linkLine);
    return box;
  }

  function facilityPopup(p) {
    const box = document.createElement("div");
    box.className = "map-popup";
    const h = document.createElement("h3");
    h.textContent = p.name;
    const kind = document.createElement("p");
    kind.className = "muted";
    kind.textContent = p.kind_label;
    box.append(h, kind);
    [
      ["", p.address],
      [text.hours, p.hours],
      [text.phone, p.phone],
    ].forEach(function (pair) {
      if (!pair[1]) return;
      const line = document.createElement("p");
      line.textContent = pair[0] ? pair[0] + ": " + pair[1] : pair[1];
      box.appendChild(line);
    });
    return box;
  }

  const facilityGroups = {};

  function swatch(color, round) {
    return '<span class="swatch' + (round ? " round" : "") + '" style="background:' + color + '"></span>';
  }

  const control = L.control.layers(null, null, { collapsed: narrow, position: "topright" }).addTo(map);
  control.addOverlay(bounds, '<span class="swatch" style="border:2px solid #5d4037"></span>' + esc(text.boundaries));
  control.addOverlay(grids, swatch(SHADES[3]) + esc(text.grids));
  control.addOverlay(cases, swatch(CASE_COLORS.red, true) + esc(text.cases));
  grids.addTo(map);
  bounds.addTo(map);
  cases.addTo(map);

  // -- the legend: what the shading and the dots mean, and which count shades the grids ------------------

  const Legend = L.Control.extend({
    options: { position: "bottomleft" },
    onAdd: function () {
      // A <details> box: open on a wide screen, folded on a phone, where the map is small.
      const box = L.DomUtil.create("details", "map-legend");
      box.open = !narrow;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      const summary = document.createElement("summary");
      summary.textContent = text.legend;
      box.appendChild(summary);
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = text.shade_by;
      fieldset.appendChild(legend);
      ["open", "overdue"].forEach(function (name) {
        const label = document.createElement("label");
        const input = document.createElement("input");
        input.type = "radio";
        input.name = "map-measure";
        input.value = name;
        input.checked = name === measure;
        input.addEventListener("change", function () {
          measure = name;
          grids.setStyle(grids.options.style);
          drawScale();
        });
        label.append(input, " " + text[name]);
        fieldset.appendChild(label);
      });
      box.appendChild(fieldset);
      const scale = document.createElement("ul");
      box.appendChild(scale);
      const dots = document.createElement("h4");
      dots.textContent = text.markers;
      box.appendChild(dots);
      const dotList = document.createElement("ul");
      dotList.innerHTML = [
        [CASE_COLORS.green, text.on_time],
        [CASE_COLORS.yellow, text.yellow],
        [CASE_COLORS.red, text.red],
      ]
        .map(function (pair) {
          return "<li>" + swatch(pair[0], true) + esc(pair[1]) + "</li>";
        })
        .join("");
      box.appendChild(dotList);

      function drawScale() {
        const steps = config.scales[measure];
        const items = ["<li>" + swatch(SHADES[0]) + esc(text.none) + "</li>"];
        steps.forEach(function (min, i) {
          const next = steps[i + 1];
          const range = next === undefined ? "≥ " + min : next - 1 === min ? String(min) : min + "–" + (next - 1);
          items.push("<li>" + swatch(SHADES[i + 1]) + esc(range) + "</li>");
        });
        scale.innerHTML = items.join("");
      }
      drawScale();
      return box;
    },
  });
  new Legend().addTo(map);

  // -- loading a unit ---------------------------------------------------------------------------------

  function fetchLayer(name, code) {
    return fetch(urlFor(name, code), {
      headers: { Accept: "application/geo+json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error(name + ": " + response.status);
      return response.json();
    });
  }

  function setStatus(message) {
    if (status) status.textContent = message;
  }

  function fillFacilities(collection) {
    Object.keys(facilityGroups).forEach(function (kind) {
      facilityGroups[kind].clearLayers();
    });
    collection.kinds.forEach(function (entry) {
      if (facilityGroups[entry.kind]) return;
      const group = L.layerGroup().addTo(map);
      facilityGroups[entry.kind] = group;
      control.addOverlay(group, swatch(FACILITY_COLORS[entry.kind] || FACILITY_COLORS.other) + esc(entry.label));
    });
    collection.features.forEach(function (feature) {
      const p = feature.properties;
      const c = feature.geometry.coordinates;
      const color = FACILITY_COLORS[p.kind] || FACILITY_COLORS.other;
      const marker = L.marker([c[1], c[0]], {
        icon: L.divIcon({
          className: "facility-icon",
          iconSize: [12, 12],
          html: '<span class="facility-dot" style="background:' + color + '"></span>',
        }),
        title: p.name,
        alt: p.kind_label,
      });
      marker.bindPopup(function () {
        return facilityPopup(p);
      });
      if (facilityGroups[p.kind]) facilityGroups[p.kind].addLayer(marker);
    });
  }

  function fillCases(collection) {
    cases.clearLayers();
    const markers = collection.features.map(function (feature) {
      const p = feature.properties;
      const c = feature.geometry.coordinates;
      const marker = L.marker([c[1], c[0]], {
        icon: dotIcon(p.color),
        title: p.number + " " + p.title,
        alt: p.number,
        caseColor: p.color,
      });
      marker.bindPopup(function () {
        return casePopup(p);
      });
      return marker;
    });
    cases.addLayers(markers);
  }

  function drawCrumbs(list) {
    if (!crumbs) return;
    crumbs.textContent = "";
    list.forEach(function (crumb, i) {
      const li = document.createElement("li");
      if (i === list.length - 1) {
        const span = document.createElement("span");
        span.setAttribute("aria-current", "page");
        span.textContent = crumb.name;
        li.appendChild(span);
      } else {
        const a = document.createElement("a");
        a.href = urlFor("page", crumb.code);
        a.dataset.drill = crumb.code;
        a.textContent = crumb.name;
        li.appendChild(a);
      }
      crumbs.appendChild(li);
    });
  }

  function frame(unit, animate) {
    const candidates = [bounds, grids, cases];
    for (let i = 0; i < candidates.length; i++) {
      if (!candidates[i].getLayers().length) continue;
      const box = candidates[i].getBounds();
      if (box.isValid()) {
        if (animate && !reducedMotion) map.flyToBounds(box, { padding: [16, 16], duration: 0.6 });
        else map.fitBounds(box, { padding: [16, 16] });
        return true;
      }
    }
    if (unit.lat != null && unit.lng != null) map.setView([unit.lat, unit.lng], 15);
    else map.setView([35, 105], 4);
    return false;
  }

  let sequence = 0;

  function load(code, animate) {
    const mine = ++sequence;
    setStatus(text.loading);
    return Promise.all(
      ["units", "grids", "cases", "facilities"].map(function (name) {
        return fetchLayer(name, code);
      })
    ).then(
      function (answers) {
        if (mine !== sequence) return false;
        const units = answers[0];
        current = code;
        selected = null;
        childCount = units.features.length - 1;
        bounds.clearLayers();
        bounds.addData(units.features);
        grids.clearLayers();
        grids.addData(answers[1].features);
        fillCases(answers[2]);
        fillFacilities(answers[3]);
        drawCrumbs(units.crumbs);
        const drawn = frame(units.unit, animate);
        const notes = [];
        if (!drawn) notes.push(text.no_shapes);
        if (answers[1].too_many) notes.push(text.too_many_grids);
        if (answers[2].truncated) notes.push(text.truncated);
        if (answers[2].unlocated) notes.push(format(text.unlocated, answers[2].unlocated));
        setStatus(notes.join(" "));
        return true;
      },
      function () {
        if (mine === sequence) setStatus(text.failed);
        return false;
      }
    );
  }

  function loadPanel(code) {
    if (!panel) return;
    if (window.htmx) {
      window.htmx.ajax("GET", urlFor("panel", code), { target: panel, swap: "innerHTML" });
      return;
    }
    fetch(urlFor("panel", code), { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(new Error(String(response.status)));
      })
      .then(function (html) {
        panel.innerHTML = html; // the server's own template, escaped there
      })
      .catch(function () {
        setStatus(text.failed);
      });
  }

  function drill(code) {
    load(code, true).then(function (ok) {
      if (!ok) return;
      history.pushState({ code: code }, "", urlFor("page", code));
      loadPanel(code);
    });
  }

  function selectGrid(code) {
    selected = code;
    grids.setStyle(grids.options.style);
    loadPanel(code);
  }

  // Links in the panel and the breadcrumb drill in place; without JavaScript they are plain links.
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("a[data-drill]");
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    drill(link.dataset.drill);
  });

  window.addEventListener("popstate", function (event) {
    const code = (event.state && event.state.code) || config.unit;
    load(code, true).then(function (ok) {
      if (ok) loadPanel(code);
    });
  });

  history.replaceState({ code: current }, "", window.location.href);
  load(current, false);
})();
