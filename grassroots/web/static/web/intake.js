/* New case and quick report (web/views/intake.py): the point picker (Leaflet, with or without
   tiles), the device's location, the fields that apply to the choices made, photo previews, and
   keeping every input — the chosen photo too — when an htmx answer brings back only the errors. */
(() => {
  "use strict";

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? values[key] : whole));

  // -- fields that apply: data-show-when="name=value other-value" -------------------------------

  const applyShowWhen = (form) => {
    form.querySelectorAll("[data-show-when]").forEach((element) => {
      const [name, values] = element.dataset.showWhen.split("=");
      const checked = form.querySelector(`[name="${name}"]:checked`);
      element.hidden = !(checked && values.split(" ").includes(checked.value));
    });
  };

  // -- point in the drawn boundaries (GeoJSON rings are [lng, lat]) ------------------------------

  const inRing = (lng, lat, ring) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const inPolygon = (lng, lat, rings) =>
    inRing(lng, lat, rings[0]) && !rings.slice(1).some((hole) => inRing(lng, lat, hole));
  const inFeatures = (lng, lat, collection) =>
    collection.features.some(({ geometry }) => {
      if (!geometry) return false;
      if (geometry.type === "Polygon") return inPolygon(lng, lat, geometry.coordinates);
      if (geometry.type === "MultiPolygon") return geometry.coordinates.some((p) => inPolygon(lng, lat, p));
      return false;
    });

  // -- the point picker -------------------------------------------------------------------------

  const pickers = new Map();

  const pointPicker = (element) => {
    const config = JSON.parse(document.getElementById(element.dataset.config).textContent);
    const lat = document.getElementById(element.dataset.lat);
    const lng = document.getElementById(element.dataset.lng);
    const status = document.getElementById(element.dataset.status);
    const say = (text) => {
      if (status) status.textContent = text;
    };
    const messages = element.dataset;
    const hasBoundaries = config.boundaries.features.length > 0;
    let map = null;
    let marker = null;

    const show = (latitude, longitude) => {
      if (!map) return;
      if (marker) marker.setLatLng([latitude, longitude]);
      else marker = L.circleMarker([latitude, longitude], { radius: 9, color: "#0b5cad", weight: 3, fillOpacity: 0.5 }).addTo(map);
    };

    const set = (latitude, longitude, accuracy) => {
      lat.value = latitude.toFixed(6);
      lng.value = longitude.toFixed(6);
      // What follows the point (the possible duplicates) hears of it as of a typed one.
      lng.dispatchEvent(new Event("change", { bubbles: true }));
      show(latitude, longitude);
      const values = { lat: lat.value, lng: lng.value, m: Math.round(accuracy || 0) };
      let text = fill(accuracy ? messages.msgDevice : messages.msgPoint, values);
      if (hasBoundaries && !inFeatures(longitude, latitude, config.boundaries)) text += " " + messages.msgOutside;
      say(text);
    };

    if (window.L) {
      map = L.map(element, { attributionControl: Boolean(config.tiles) });
      if (config.tiles) L.tileLayer(config.tiles, { maxZoom: 19 }).addTo(map);
      const layer = L.geoJSON(config.boundaries, {
        interactive: false,
        style: { color: "#b3261e", weight: 2, fillOpacity: 0.06 },
        onEachFeature: (feature, shape) =>
          shape.bindTooltip(feature.properties.name, { permanent: true, direction: "center", className: "grid-name" }),
      }).addTo(map);
      if (hasBoundaries) map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      else map.setView([35, 105], 4);
      map.on("click", (event) => set(event.latlng.lat, event.latlng.lng));
      if (!hasBoundaries && !config.tiles) say(messages.msgNomap);
    } else {
      element.hidden = true;
    }

    // A point already in the form (typed, or kept after an error) shows on the map.
    const fromInputs = () => {
      const latitude = parseFloat(lat.value);
      const longitude = parseFloat(lng.value);
      if (Number.isFinite(latitude) && Number.isFinite(longitude)) show(latitude, longitude);
    };
    fromInputs();
    lat.addEventListener("change", fromInputs);
    lng.addEventListener("change", fromInputs);

    const locate = () => {
      if (!navigator.geolocation) {
        say(messages.msgUnavailable);
        return;
      }
      say(messages.msgLocating);
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const { latitude, longitude, accuracy } = position.coords;
          set(latitude, longitude, accuracy || 1);
          if (map) map.setView([latitude, longitude], Math.max(map.getZoom(), 16));
        },
        (error) => say(error.code === error.PERMISSION_DENIED ? messages.msgDenied : messages.msgUnavailable),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    };
    return { locate };
  };

  // -- photo previews ---------------------------------------------------------------------------

  const previewPhotos = (input) => {
    const box = document.querySelector(`[data-previews-for="${input.id}"]`);
    if (!box) return;
    box.querySelectorAll("img").forEach((img) => URL.revokeObjectURL(img.src));
    box.replaceChildren(
      ...Array.from(input.files || []).map((file) => {
        const img = document.createElement("img");
        img.alt = file.name;
        img.src = URL.createObjectURL(file);
        // Not an image the browser can show: its name instead (the server says why it is refused).
        img.addEventListener("error", () => {
          const name = document.createElement("span");
          name.className = "preview-name";
          name.textContent = file.name;
          img.replaceWith(name);
        });
        return img;
      }),
    );
  };

  // -- htmx: an error answer replaces only the error messages ------------------------------------

  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-keep-inputs]");
    if (form && (event.detail.xhr.status === 400 || event.detail.xhr.status === 403)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Only the messages come back, not the fields: each field is marked (or unmarked) as the page
  // without script marks it — its box, and its controls for assistive technology.
  const markFields = () => {
    document.querySelectorAll("form[data-keep-inputs] .field-errors[id^='err-']").forEach((box) => {
      const field = box.closest(".field");
      if (!field) return;
      const invalid = box.textContent.trim() !== "";
      field.classList.toggle("invalid", invalid);
      field.querySelectorAll("input:not([type=hidden]), select, textarea").forEach((control) => {
        const ids = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter((id) => id && id !== box.id);
        if (invalid) ids.push(box.id);
        if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
        else control.removeAttribute("aria-describedby");
        if (invalid) control.setAttribute("aria-invalid", "true");
        else control.removeAttribute("aria-invalid");
      });
    });
  };

  let scrollPending = false;
  document.addEventListener("htmx:oobAfterSwap", () => {
    if (scrollPending) return;
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      markFields();
      const first = Array.from(document.querySelectorAll(".field-errors")).find((box) => box.textContent.trim());
      if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
    });
  });

  const offline = (event) => {
    const form = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form[data-keep-inputs]");
    const box = form && form.querySelector("#err-all");
    if (box) {
      const item = document.createElement("p");
      item.className = "errorlist";
      item.textContent = form.dataset.msgOffline;
      box.replaceChildren(item);
      box.scrollIntoView({ block: "center" });
    }
  };
  document.addEventListener("htmx:sendError", offline);
  document.addEventListener("htmx:timeout", offline);

  // -- start ------------------------------------------------------------------------------------

  const start = () => {
    document.querySelectorAll("[data-point-map]").forEach((element) => pickers.set(element.id, pointPicker(element)));
    document.querySelectorAll("[data-locate]").forEach((button) => {
      button.addEventListener("click", () => {
        const picker = pickers.get(button.dataset.locate);
        if (picker) picker.locate();
      });
    });
    document.querySelectorAll("form[data-show-fields]").forEach((form) => {
      applyShowWhen(form);
      form.addEventListener("change", () => applyShowWhen(form));
    });
    document.querySelectorAll("input[type=file]").forEach((input) => {
      input.addEventListener("change", () => previewPhotos(input));
    });
    // Enter in the register search searches; it must not send the whole form.
    document.querySelectorAll("input[data-search]").forEach((input) => {
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          input.dispatchEvent(new Event("search"));
        }
      });
    });
  };

  // -- possible duplicates (web/intake/_duplicates.html): asked again, after a pause (hx-trigger),
  // whenever what they depend on changes — the text, the category, the point, the reporter ------

  const DUPLICATE_FIELDS = ["title", "description", "category", "lat", "lng", "reporter", "reporter_kind"];
  const lastAsked = new WeakMap();

  const checkDuplicates = (form) => {
    const box = form?.querySelector("[data-duplicates-check]");
    if (!box) return;
    const data = new FormData(form);
    const key = JSON.stringify(DUPLICATE_FIELDS.map((name) => data.getAll(name)));
    if (lastAsked.get(box) === key) return;
    lastAsked.set(box, key);
    box.dispatchEvent(new CustomEvent("duplicates-check"));
  };
  const onFieldChange = (event) => {
    const target = event.target;
    if (target instanceof Element && DUPLICATE_FIELDS.includes(target.getAttribute("name"))) checkDuplicates(target.form);
  };
  document.addEventListener("input", onFieldChange);
  document.addEventListener("change", onFieldChange);
  // A form that comes back with its text (sent without script) shows its duplicates again.
  const checkFilled = () => {
    document.querySelectorAll("[data-duplicates-check]").forEach((box) => {
      const form = box.closest("form");
      if (form && ["title", "description"].some((name) => form.elements[name]?.value.trim())) checkDuplicates(form);
    });
  };

  const begin = () => {
    start();
    checkFilled();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();
