// The case page (grassroots/web/views/case.py): acts swap the case panel in place, the small map
// of the place, and photos opened full size in a dialog. Without JavaScript the forms post and the
// links open the photos; everything still works.
(() => {
  "use strict";

  // An act always answers with the panel (200); anything else (the case went out of sight, the
  // server failed) is said on the page instead of nothing happening.
  document.addEventListener("htmx:responseError", (event) => {
    const panel = document.getElementById("case-panel");
    if (!panel) return;
    let note = panel.querySelector(".flash.failed");
    if (!note) {
      note = document.createElement("p");
      note.className = "flash error failed";
      note.setAttribute("role", "alert");
      note.tabIndex = -1;
      panel.prepend(note);
    }
    note.textContent = panel.dataset.failed || "Error " + event.detail.xhr.status;
    note.focus();
  });

  function drawMap(element) {
    if (element.dataset.drawn || typeof L === "undefined") return;
    const source = document.getElementById(element.dataset.caseMap);
    if (!source) return;
    const data = JSON.parse(source.textContent);
    element.dataset.drawn = "1";
    const map = L.map(element, { scrollWheelZoom: false, attributionControl: Boolean(data.tiles) });
    // The view first: Leaflet draws vector layers only on a map that has one.
    const area = data.boundary
      ? L.geoJSON(data.boundary, { style: { color: "#b3261e", weight: 2, fillColor: "#b3261e", fillOpacity: 0.06 } })
      : null;
    let bounds = area ? area.getBounds() : null;
    if (bounds && data.point) bounds = bounds.extend(data.point);
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17 });
    } else if (data.point) {
      map.setView(data.point, 17);
    } else {
      return;
    }
    if (data.tiles) L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
    if (area) {
      area.addTo(map);
      if (data.area) area.bindTooltip(data.area);
    }
    if (data.point) {
      L.circleMarker(data.point, { radius: 8, color: "#fff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 })
        .addTo(map);
    }
  }

  function openPhotos(root) {
    const dialog = root.querySelector(".photo-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    const image = dialog.querySelector("img");
    root.querySelectorAll("a[data-photo]").forEach((link) => {
      link.addEventListener("click", (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return; // a new tab, as asked
        event.preventDefault();
        image.src = link.href;
        image.alt = link.querySelector("img")?.alt || "";
        dialog.showModal();
      });
    });
  }

  // The triage forms say what the catalog suggests for the category picked (the person decides).
  document.addEventListener("change", (event) => {
    const select = event.target;
    if (!(select instanceof HTMLSelectElement) || select.name !== "category") return;
    const said = select.form?.querySelector("[data-suggestion]");
    const source = document.getElementById("case-suggestions");
    if (!said || !source) return;
    const text = JSON.parse(source.textContent)[select.value] || "";
    said.textContent = text;
    said.hidden = !text;
  });

  function setUp(root) {
    const panel = root.id === "case-panel" ? root : root.querySelector("#case-panel");
    if (!panel) return;
    panel.querySelectorAll("[data-case-map]").forEach(drawMap);
    openPhotos(panel);
    // After an act, the keyboard continues from what the page says about it.
    const said = panel.querySelector("[data-focus]");
    if (said && root === panel) said.focus();
    const invalid = panel.querySelector(".act[open] .field.invalid :is(input, select, textarea)");
    if (invalid && root === panel && !said) invalid.focus();
  }

  if (typeof htmx !== "undefined") {
    htmx.onLoad(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", () => setUp(document.body));
  }
})();
