// The join and update forms: a draggable pin synced with the latitude/longitude fields,
// placed from the address by the server; more than two opening intervals a day.
// Everything works without this script; it only adds convenience.
(function () {
  "use strict";
  // After a failed submission, start from the list of problems.
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  const config = JSON.parse(document.getElementById("join-map-config").textContent);
  const form = document.querySelector(".join-form");
  const latInput = form.querySelector("[name=lat]");
  const lonInput = form.querySelector("[name=lon]");
  const status = document.getElementById("pin-status");
  const locateButton = document.getElementById("pin-locate");
  const hereButton = document.getElementById("pin-here");
  const mapElement = document.getElementById("pin-map");
  const pinBox = document.getElementById("pin");
  const noScriptHelp = document.getElementById("pin-help-nojs");

  // The pin.
  mapElement.hidden = false;
  locateButton.hidden = false;
  if (noScriptHelp) noScriptHelp.hidden = true;
  // "Use my position": for a venue filling in the form on site (HTTPS only).
  if (navigator.geolocation && window.isSecureContext) hereButton.hidden = false;
  const map = L.map(mapElement, { scrollWheelZoom: false });
  L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: config.maxZoom }).addTo(map);
  let marker = null;

  function current() {
    const lat = parseFloat(latInput.value);
    const lon = parseFloat(lonInput.value);
    return Number.isFinite(lat) && Number.isFinite(lon) ? [lat, lon] : null;
  }

  function setFields(latlng) {
    latInput.value = latlng.lat.toFixed(6);
    lonInput.value = latlng.lng.toFixed(6);
  }

  function showPin(point, zoom) {
    if (!marker) {
      marker = L.marker(point, { draggable: true, keyboard: true, title: mapElement.dataset.pinTitle || "" }).addTo(map);
      marker.on("dragend", function () {
        setFields(marker.getLatLng());
        status.textContent = form.dataset.movedMessage || "";
      });
    } else {
      marker.setLatLng(point);
    }
    map.setView(point, zoom || Math.max(map.getZoom() || 0, 16));
  }

  const start = current();
  if (start) {
    showPin(start, 17);
  } else {
    map.setView(config.centre, config.zoom);
  }
  map.on("click", function (event) {
    showPin(event.latlng, map.getZoom());
    setFields(event.latlng);
  });
  [latInput, lonInput].forEach(function (input) {
    input.addEventListener("change", function () {
      const point = current();
      if (point) showPin(point);
    });
  });

  locateButton.addEventListener("click", function () {
    const params = new URLSearchParams({
      address: form.querySelector("[name=address]").value,
      postcode: form.querySelector("[name=postcode]").value,
      city: form.querySelector("[name=city]").value,
    });
    status.textContent = "…";
    fetch(config.locateUrl + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.error) {
          status.textContent = data.error;
          return;
        }
        const point = L.latLng(data.lat, data.lon);
        setFields(point);
        // Without a geocoder the point is the town's centre: ask for the door.
        showPin(point, data.source === "town" ? 15 : 17);
        status.textContent = data.source === "town"
          ? pinBox.dataset.townMessage
          : form.dataset.placedMessage || "";
      })
      .catch(function () { status.textContent = ""; });
  });

  // A venue that has not placed its pin yet sees it once its town is typed.
  ["postcode", "city"].forEach(function (name) {
    form.querySelector("[name=" + name + "]").addEventListener("change", function () {
      const filled = form.querySelector("[name=postcode]").value && form.querySelector("[name=city]").value;
      if (filled && !current()) locateButton.click();
    });
  });

  hereButton.addEventListener("click", function () {
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        const point = L.latLng(position.coords.latitude, position.coords.longitude);
        setFields(point);
        showPin(point, 18);
        status.textContent = pinBox.dataset.hereMessage;
      },
      function () { status.textContent = pinBox.dataset.hereFailed; },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });

  // Opening hours: an "add an interval" button per day, copying the last interval's fields.
  document.querySelectorAll(".hours .day").forEach(function (day) {
    const intervals = day.querySelector(".intervals");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button-secondary add-interval";
    button.textContent = form.dataset.addInterval;
    button.setAttribute("aria-label", form.dataset.addInterval + " – " + day.querySelector("legend").textContent);
    day.appendChild(button);
    button.addEventListener("click", function () {
      const all = intervals.querySelectorAll(".interval");
      if (all.length >= config.maxIntervals) return;
      const last = all[all.length - 1];
      const copy = last.cloneNode(true);
      const index = all.length;
      copy.querySelectorAll(".errorlist").forEach(function (e) { e.remove(); });
      copy.querySelectorAll(".field--error").forEach(function (e) { e.classList.remove("field--error"); });
      copy.querySelectorAll("input").forEach(function (input) {
        input.name = input.name.replace(/_\d+$/, "_" + index);
        input.id = "id_" + input.name;
        input.value = "";
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      });
      copy.querySelectorAll("label").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/_\d+$/, "_" + index);
        const hidden = label.querySelector(".visually-hidden");
        hidden.textContent = hidden.textContent.replace(/\d+(?=\D*$)/, String(index + 1));
      });
      intervals.appendChild(copy);
      copy.querySelector("input").focus();
      if (index + 1 >= config.maxIntervals) button.hidden = true;
    });
  });
  // "Same hours as Monday": the chosen days get Monday's fields at once, where the venue
  // sees them and may still change them; the choice is then cleared, so the server (which
  // copies them itself without this script) copies nothing more.
  const copyBox = document.getElementById("copy-monday");
  if (copyBox) {
    const copyButton = document.createElement("button");
    copyButton.type = "button";
    copyButton.className = "button-secondary";
    copyButton.id = "copy-monday-button";
    copyButton.textContent = copyBox.dataset.button;
    copyBox.appendChild(copyButton);
    const copyStatus = document.createElement("p");
    copyStatus.className = "help";
    copyStatus.setAttribute("role", "status");
    copyBox.appendChild(copyStatus);
    copyButton.addEventListener("click", function () {
      const chosen = copyBox.querySelector("input[name=copy_monday]:checked");
      const last = chosen ? parseInt(chosen.value, 10) : NaN;
      if (!Number.isFinite(last)) {
        copyStatus.textContent = copyBox.dataset.choose;
        return;
      }
      const monday = document.querySelector('.hours .day[data-day="1"]');
      for (let day = 2; day <= last; day++) {
        const target = document.querySelector('.hours .day[data-day="' + day + '"]');
        const intervals = target.querySelector(".intervals");
        intervals.innerHTML = "";
        monday.querySelectorAll(".interval").forEach(function (source, index) {
          const copy = source.cloneNode(true);
          copy.querySelectorAll(".errorlist").forEach(function (e) { e.remove(); });
          copy.querySelectorAll(".field--error").forEach(function (e) { e.classList.remove("field--error"); });
          const sourceInputs = source.querySelectorAll("input");
          copy.querySelectorAll("input").forEach(function (input, i) {
            input.name = input.name.replace(/_1_(\d+)$/, "_" + day + "_$1");
            input.id = "id_" + input.name;
            input.value = sourceInputs[i].value;
            input.removeAttribute("aria-invalid");
            input.removeAttribute("aria-describedby");
          });
          const dayName = target.querySelector("legend").textContent;
          const mondayName = monday.querySelector("legend").textContent;
          copy.querySelectorAll("label").forEach(function (label) {
            label.htmlFor = label.htmlFor.replace(/_1_(\d+)$/, "_" + day + "_$1");
            const hidden = label.querySelector(".visually-hidden");
            hidden.textContent = hidden.textContent.replace(mondayName, dayName);
          });
          intervals.appendChild(copy);
        });
        ["closed", "allday"].forEach(function (name) {
          target.querySelector("[name=" + name + "_" + day + "]").checked =
            monday.querySelector("[name=" + name + "_1]").checked;
        });
        const add = target.querySelector(".add-interval");
        if (add) add.hidden = intervals.children.length >= config.maxIntervals;
      }
      copyBox.querySelector("input[name=copy_monday][value='']").checked = true;
      copyStatus.textContent = copyBox.dataset.copied;
    });
  }
})();
