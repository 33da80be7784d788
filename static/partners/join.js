// The join and update forms: a draggable pin synced with the latitude/longitude fields,
// placed from the address by the server; more than two opening intervals a day; on the
// join form, further sites added and removed in the page.
// Everything works without this script; it only adds convenience.
(function () {
  "use strict";
  // After a failed submission, start from the list of problems.
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  const config = JSON.parse(document.getElementById("join-map-config").textContent);
  // The default marker's images by their served names (partners/public/maps.py).
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions(config.markerIcon);
  const form = document.querySelector(".join-form");

  function cleanCopy(copy) {
    copy.querySelectorAll(".errorlist").forEach(function (e) { e.remove(); });
    copy.querySelectorAll(".field--error").forEach(function (e) { e.classList.remove("field--error"); });
  }

  // One venue's fields: the update form's, or one site's of an application. Its field
  // names and the ids of its parts start with its prefix ("site3-" for a further site).
  function setupSite(root) {
    const key = root.dataset.key;
    const prefix = key && key !== "1" ? "site" + key + "-" : "";
    const part = function (id) { return document.getElementById(prefix + id); };
    const field = function (name) { return root.querySelector('[name="' + prefix + name + '"]'); };
    setupPin(root, part, field);
    setupHours(root, part, field, prefix);
  }

  function setupPin(root, part, field) {
    const latInput = field("lat");
    const lonInput = field("lon");
    const status = part("pin-status");
    const locateButton = part("pin-locate");
    const hereButton = part("pin-here");
    const mapElement = part("pin-map");
    const pinBox = part("pin");
    const noScriptHelp = part("pin-help-nojs");

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
        address: field("address").value,
        postcode: field("postcode").value,
        city: field("city").value,
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
      field(name).addEventListener("change", function () {
        if (field("postcode").value && field("city").value && !current()) locateButton.click();
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
  }

  function setupHours(root, part, field, prefix) {
    // An "add an interval" button per day, copying the last interval's fields.
    root.querySelectorAll(".hours .day").forEach(function (day) {
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
        cleanCopy(copy);
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
    const copyBox = part("copy-monday");
    if (!copyBox) return;
    const choice = '[name="' + prefix + 'copy_monday"]';
    const copyButton = document.createElement("button");
    copyButton.type = "button";
    copyButton.className = "button-secondary";
    copyButton.id = prefix + "copy-monday-button";
    copyButton.textContent = copyBox.dataset.button;
    copyBox.appendChild(copyButton);
    const copyStatus = document.createElement("p");
    copyStatus.className = "help";
    copyStatus.setAttribute("role", "status");
    copyBox.appendChild(copyStatus);
    copyButton.addEventListener("click", function () {
      const chosen = copyBox.querySelector(choice + ":checked");
      const last = chosen ? parseInt(chosen.value, 10) : NaN;
      if (!Number.isFinite(last)) {
        copyStatus.textContent = copyBox.dataset.choose;
        return;
      }
      const monday = root.querySelector('.hours .day[data-day="1"]');
      for (let day = 2; day <= last; day++) {
        const target = root.querySelector('.hours .day[data-day="' + day + '"]');
        const intervals = target.querySelector(".intervals");
        intervals.innerHTML = "";
        monday.querySelectorAll(".interval").forEach(function (source) {
          const copy = source.cloneNode(true);
          cleanCopy(copy);
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
          field(name + "_" + day).checked = field(name + "_1").checked;
        });
        const add = target.querySelector(".add-interval");
        if (add) add.hidden = intervals.children.length >= config.maxIntervals;
      }
      copyBox.querySelector(choice + "[value='']").checked = true;
      copyStatus.textContent = copyBox.dataset.copied;
    });
  }

  const sites = document.getElementById("sites");
  if (!sites) {
    setupSite(form);
    return;
  }

  // Further sites: the buttons that send the form without this script act in the page.
  const template = document.getElementById("site-template");
  const addButton = document.getElementById("add-site");
  const fullNote = document.getElementById("sites-full");
  const announce = document.getElementById("sites-status");
  const first = document.getElementById("site");
  const max = parseInt(sites.dataset.max, 10);
  const blocks = function () { return sites.querySelectorAll(":scope > .site"); };

  function renumber() {
    const all = blocks();
    all.forEach(function (block, index) {
      const legend = block.querySelector(":scope > legend");
      if (index === 0) {
        legend.textContent = all.length > 1 ? first.dataset.numbered : first.dataset.alone;
        return;
      }
      legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
      const remove = block.querySelector(".remove-site");
      remove.textContent = remove.textContent.replace(/\d+/, String(index + 1));
    });
    addButton.hidden = all.length >= max;
    fullNote.hidden = all.length < max;
  }

  function wireRemove(block) {
    const button = block.querySelector(".remove-site");
    button.type = "button";
    button.addEventListener("click", function () {
      const legend = block.querySelector(":scope > legend").textContent;
      block.remove();
      renumber();
      announce.textContent = sites.dataset.removed.replace("%(site)s", legend);
      (addButton.hidden ? first.querySelector("input, select, textarea") : addButton).focus();
    });
  }

  blocks().forEach(function (block, index) {
    setupSite(block);
    if (index > 0) wireRemove(block);
  });
  addButton.type = "button";
  addButton.addEventListener("click", function () {
    const all = blocks();
    if (all.length >= max) return;
    const key = Math.max.apply(null, Array.from(all, function (b) { return parseInt(b.dataset.key, 10); })) + 1;
    const holder = document.createElement("div");
    holder.innerHTML = template.innerHTML
      .replace(/__key__/g, String(key))
      .replace(/__number__/g, String(all.length + 1));
    const block = holder.querySelector(".site");
    sites.appendChild(block);
    const name = block.querySelector('[name="site' + key + '-name"]');
    const organisation = form.querySelector("[name=organisation]");
    if (organisation) name.value = organisation.value;
    setupSite(block);
    wireRemove(block);
    renumber();
    name.focus();
  });
})();
