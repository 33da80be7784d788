// The town field suggests places as one types: the WAI-ARIA 1.2 combobox pattern (list
// autocomplete, listbox popup) on each input[data-place-combobox] of the page (the home page
// and /lieux/). Picking a suggestion puts its label in the field and its id in the form's
// "place" field (the parameter the list page reads), then submits the form. Without this
// script the form still works: the list page offers the homonyms to choose from.
// window.placeSearch lets the home page's script read the chosen place and offer the same
// choice after a search. Labels come from the API as text and are shown as text.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("place-search-config").textContent);
  const messages = config.messages;
  const plurals = new Intl.PluralRules(document.documentElement.lang || "fr");
  const DELAY = 200; // milliseconds: at most one request this often while typing
  const MIN_LENGTH = 2;
  const chosenPlaces = new WeakMap(); // input → the place picked, while its text is unchanged

  function plural(entry, count, values) {
    const template = entry[plurals.select(count)] || entry.other;
    return template.replace(/%\((\w+)\)s/g, (match, key) => values[key]);
  }

  function listUrl(form, query, place) {
    const params = new URLSearchParams({ q: query });
    if (place.id) params.set("place", place.id);
    for (const name of ["kind", "open_now", "step_free"]) {
      const field = form.elements[name];
      if (field && (field.type === "checkbox" ? field.checked : field.value)) params.set(name, field.value);
    }
    return config.listUrl + "?" + params;
  }

  function pick(input, place) {
    input.value = place.label;
    if (input.form.elements.place) input.form.elements.place.value = place.id || "";
    chosenPlaces.set(input, place);
    input.dispatchEvent(new CustomEvent("place-chosen", { bubbles: true, detail: place }));
    input.form.requestSubmit();
  }

  function setUp(input, index) {
    const form = input.form;
    const wrapper = document.createElement("div");
    wrapper.className = "place-combobox";
    input.replaceWith(wrapper);
    const listbox = document.createElement("ul");
    listbox.id = (input.id || "place") + "-suggestions-" + index;
    listbox.className = "place-suggestions";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", messages.suggestionsLabel);
    listbox.hidden = true;
    const live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("role", "status");
    wrapper.append(input, listbox, live);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    // The browser's own suggestions would cover ours.
    input.setAttribute("autocomplete", "off");

    let suggestions = [];
    let active = -1;
    let timer = null;
    let controller = null;
    let lastRequest = 0;

    function open() {
      if (!suggestions.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      activate(-1);
    }

    function activate(i) {
      const options = listbox.children;
      if (active >= 0 && options[active]) {
        options[active].setAttribute("aria-selected", "false");
      }
      active = i;
      if (i >= 0 && options[i]) {
        options[i].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(places) {
      suggestions = places;
      listbox.replaceChildren(
        ...places.map((place, i) => {
          const option = document.createElement("li");
          option.id = listbox.id + "-" + i;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          option.textContent = place.label;
          return option;
        })
      );
      active = -1;
      input.removeAttribute("aria-activedescendant");
      live.textContent = places.length ? plural(messages.suggestions, places.length, { count: places.length }) : messages.noSuggestion;
      if (places.length) open();
      else close();
    }

    async function suggest() {
      const query = input.value.trim();
      if (controller) controller.abort();
      if (query.length < MIN_LENGTH) {
        suggestions = [];
        listbox.replaceChildren();
        close();
        return;
      }
      controller = new AbortController();
      lastRequest = Date.now();
      try {
        const response = await fetch(config.placesUrl + "?" + new URLSearchParams({ q: query }), { signal: controller.signal });
        if (!response.ok) return;
        const places = await response.json();
        if (input.value.trim() === query) show(places);
      } catch (error) {
        // Aborted by a newer keystroke, or offline: the form still submits.
      }
    }

    input.addEventListener("input", () => {
      chosenPlaces.delete(input);
      if (form.elements.place) form.elements.place.value = "";
      clearTimeout(timer);
      timer = setTimeout(suggest, Math.max(0, DELAY - (Date.now() - lastRequest)));
    });

    input.addEventListener("keydown", (event) => {
      const count = suggestions.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        if (listbox.hidden) {
          open();
          if (event.altKey) return;
          activate(event.key === "ArrowDown" ? 0 : count - 1);
        } else {
          activate(event.key === "ArrowDown" ? (active + 1) % count : (active - 1 + count) % count);
        }
      } else if (event.key === "Enter") {
        if (!listbox.hidden && active >= 0) {
          event.preventDefault();
          const place = suggestions[active];
          close();
          pick(input, place);
        } else {
          close();
        }
      } else if (event.key === "Escape") {
        // No suggestion still on its way may reopen the list the person just closed.
        stopSuggesting();
        if (!listbox.hidden) {
          // Close the list, and keep the field as typed (a search field would clear).
          event.preventDefault();
          event.stopPropagation();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    function stopSuggesting() {
      clearTimeout(timer);
      if (controller) controller.abort();
    }

    // A search sent: no suggestion still on its way may reopen the list over the results.
    form.addEventListener("submit", () => {
      stopSuggesting();
      close();
    });

    // A press on an option must not blur the field first, or the list would close.
    listbox.addEventListener("mousedown", (event) => event.preventDefault());
    listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (!option) return;
      const place = suggestions[[...listbox.children].indexOf(option)];
      close();
      pick(input, place);
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-place-combobox]").forEach(setUp);

  window.placeSearch = {
    // The place picked for this field, while the field still shows its label.
    chosen(input) {
      const place = chosenPlaces.get(input);
      return place && input.value === place.label ? place : null;
    },
    // A search that matched several places: the sentence and a list item per place
    // (a link to the list page, which works even without this script).
    choiceHeading(query, count) {
      return plural(messages.choose, count, { query: query });
    },
    choices(input, places) {
      const query = input.value.trim();
      return places.map((place) => {
        const item = document.createElement("li");
        item.className = "place-choice";
        const link = document.createElement("a");
        link.href = listUrl(input.form, query, place);
        link.textContent = place.label;
        link.addEventListener("click", (event) => {
          event.preventDefault();
          pick(input, place);
        });
        item.append(link);
        return item;
      });
    },
  };
})();
