// The residents' portal (H5): the two-step category choice, the place of the problem (device
// location or a tap on a small Leaflet map), and one submission per tap. Without JavaScript the
// form still works: both selects show everything, and the place is the resident's home or an
// address typed in. Plain ES2015 (no optional chaining, no replaceChildren), for the older
// browsers some WeChat versions embed.
"use strict";

(function () {
  const form = document.querySelector("form[data-report]");
  if (!form) return;
  form.querySelectorAll("[data-js-only]").forEach((node) => { node.hidden = false; });

  // -- two steps: the kind of problem narrows the list of matters --------------------------------
  const group = form.elements.namedItem("group");
  const category = form.elements.namedItem("category");
  if (group && category) {
    const all = Array.from(category.children).map((node) => node.cloneNode(true));
    const blank = all.find((node) => node.tagName === "OPTION" && node.value === "");
    const narrow = () => {
      const chosen = category.value;
      const kind = group.value;
      while (category.firstChild) category.removeChild(category.firstChild);
      if (!kind) {
        all.forEach((node) => category.appendChild(node.cloneNode(true)));
      } else {
        if (blank) category.appendChild(blank.cloneNode(true));
        all.forEach((node) => {
          const options = node.tagName === "OPTGROUP" ? Array.from(node.children) : [node];
          options
            .filter((option) => option.dataset.group === kind)
            .forEach((option) => category.appendChild(option.cloneNode(true)));
        });
      }
      category.value = Array.from(category.options).some((o) => o.value === chosen) ? chosen : "";
      const step = form.querySelector("[data-second-step]");
      if (step) step.hidden = Boolean(kind) && category.options.length <= 1;
    };
    group.addEventListener("change", narrow);
    category.addEventListener("change", () => {
      const option = category.options[category.selectedIndex];
      if (option && option.dataset.group && !group.value) {
        group.value = option.dataset.group;
        narrow();
      }
    });
    narrow();
  }

  // -- where: at home, or a point from the device or the map --------------------------------------
  const elsewhere = form.querySelector("[data-elsewhere]");
  const home = form.querySelector("[data-home]");
  const lat = form.elements.namedItem("lat");
  const lng = form.elements.namedItem("lng");
  const readout = form.querySelector("[data-point]");
  const mapNode = form.querySelector("[data-map]");
  const source = document.getElementById("portal-map");
  const data = JSON.parse(source ? source.textContent : "{}") || {};
  let map = null;
  let marker = null;

  const setPoint = (latitude, longitude, move) => {
    lat.value = latitude.toFixed(6);
    lng.value = longitude.toFixed(6);
    if (readout) readout.textContent = `${readout.dataset.chosen} ${lat.value}, ${lng.value}`;
    if (!map) return;
    const at = [latitude, longitude];
    if (marker) marker.setLatLng(at);
    else marker = window.L.circleMarker(at, { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.5 }).addTo(map);
    if (move) map.setView(at, Math.max(map.getZoom(), 16));
  };

  const showMap = () => {
    if (!mapNode || !window.L) return;
    if (map) {
      map.invalidateSize();
      return;
    }
    map = window.L.map(mapNode, { zoomControl: true, attributionControl: Boolean(data.tiles) });
    if (data.tiles) window.L.tileLayer(data.tiles, { maxZoom: 19 }).addTo(map);
    const shapes = window.L.geoJSON(
      (data.boundaries || []).map((b) => ({ type: "Feature", properties: { own: b.own, name: b.name }, geometry: b.geometry })),
      { style: (f) => ({ color: f.properties.own ? "#b3261e" : "#636c76", weight: f.properties.own ? 3 : 1.5, fillOpacity: f.properties.own ? 0.08 : 0.03 }) }
    ).addTo(map);
    if (data.center) map.setView(data.center, 16);
    else if (shapes.getLayers().length) map.fitBounds(shapes.getBounds());
    else map.setView([35, 105], 4);
    map.on("click", (event) => setPoint(event.latlng.lat, event.latlng.lng, false));
    if (lat.value && lng.value) setPoint(parseFloat(lat.value), parseFloat(lng.value), true);
  };

  const where = () => {
    const checked = form.querySelector("input[name=where]:checked");
    return checked ? checked.value : "home";
  };
  const toggle = () => {
    const away = where() === "elsewhere";
    if (elsewhere) elsewhere.hidden = !away;
    if (home) home.hidden = away;
    if (away) showMap();
  };
  form.querySelectorAll("input[name=where]").forEach((radio) => radio.addEventListener("change", toggle));
  toggle();

  const locate = form.querySelector("[data-locate]");
  if (locate) {
    if (!navigator.geolocation) locate.hidden = true;
    const label = locate.textContent;
    locate.addEventListener("click", () => {
      locate.disabled = true;
      locate.textContent = locate.dataset.busy;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          locate.disabled = false;
          locate.textContent = label;
          setPoint(position.coords.latitude, position.coords.longitude, true);
        },
        () => {
          locate.disabled = false;
          locate.textContent = label;
          if (readout) readout.textContent = locate.dataset.failed;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  // -- one submission per tap (the hidden idempotency key makes a second one harmless anyway) ------
  form.addEventListener("submit", () => {
    const button = form.querySelector("[data-submit]");
    if (button) window.setTimeout(() => { button.disabled = true; }, 0);
  });
})();
