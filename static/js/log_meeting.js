// "Log a meeting": keyboard-first adding of people, one-click removal, event fields that
// follow the event choice. The form also works without this file (plain POSTs).
"use strict";

(() => {
  const form = document.getElementById("log-form");
  if (!form) return;
  const search = document.getElementById("attendee-q");
  const attendees = document.getElementById("attendees");
  const eventChoice = form.querySelector("select[name='event']");
  let highlighted = 0;

  const suggestionList = () => document.getElementById("suggestions");
  const options = () => Array.from(document.querySelectorAll("#suggestions [role='option']"));

  // The search box is a combobox: the highlighted option is announced through
  // aria-activedescendant while the focus stays in the box.
  function highlight(index) {
    const all = options();
    highlighted = all.length ? (index + all.length) % all.length : 0;
    all.forEach((option, i) => {
      option.classList.toggle("is-highlighted", i === highlighted);
      option.setAttribute("aria-selected", i === highlighted ? "true" : "false");
    });
    search.setAttribute("aria-expanded", all.length ? "true" : "false");
    const current = all[highlighted];
    if (current) {
      search.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    } else {
      search.removeAttribute("aria-activedescendant");
    }
  }

  // On a phone the keyboard takes half the screen: bring the search box to the top of what
  // is visible and let the list use the rest, so that several people show, not just one.
  function keepSuggestionsInView() {
    const list = suggestionList();
    if (!list) return;
    list.style.removeProperty("--suggestions-room");
    if (!options().length) return;
    const view = window.visualViewport || { height: window.innerHeight, offsetTop: 0 };
    const visibleBottom = view.offsetTop + view.height;
    if (list.getBoundingClientRect().bottom > visibleBottom) {
      window.scrollBy(0, search.getBoundingClientRect().top - view.offsetTop - 8);
    }
    const room = visibleBottom - list.getBoundingClientRect().top - 8;
    list.style.setProperty("--suggestions-room", `${Math.max(room, 96)}px`);
  }

  function clearSearch() {
    search.value = "";
    suggestionList().replaceChildren();
    highlight(0);
    keepSuggestionsInView();
    search.focus();
  }

  function followEventChoice() {
    const choice = eventChoice.value;
    form.querySelector("[data-new-event]").hidden = choice !== "new";
    form.querySelector("[data-meeting-date]").hidden = choice !== "new" && choice !== "none";
  }

  // The follow-up date field only matters for "On a date…".
  function followFollowUpChoices() {
    form.querySelectorAll(".attendee").forEach((row) => {
      const choice = row.querySelector("select[name$='-follow_up']");
      const dateField = row.querySelector("[data-follow-up-date]");
      if (!choice || !dateField) return;
      dateField.hidden = choice.value !== "date";
      // A date left behind in a hidden field must not override the visible choice.
      if (dateField.hidden) dateField.querySelector("input").value = "";
    });
  }

  eventChoice.addEventListener("change", followEventChoice);
  form.addEventListener("change", (event) => {
    if (event.target.matches("select[name$='-follow_up']")) followFollowUpChoices();
  });
  followEventChoice();
  followFollowUpChoices();
  highlight(0);

  search.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(highlighted + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      const option = options()[highlighted];
      // Not option.click(): a suggestion htmx has not processed yet would submit the form.
      if (option) {
        htmx.ajax("GET", option.getAttribute("hx-get"), { source: option, target: "#attendees", swap: "beforeend" });
      }
    } else if (event.key === "Escape") {
      clearSearch();
    }
  });

  // Enter in any other one-line field must not submit half a meeting by accident.
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input:not([type=search])")) {
      event.preventDefault();
    }
  });

  // A person already in the list is not added twice: show the row instead.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const id = event.detail.elt.dataset && event.detail.elt.dataset.contact;
    if (!id || !event.detail.elt.classList.contains("suggestion")) return;
    const row = attendees.querySelector(`.attendee[data-contact="${CSS.escape(id)}"]`);
    if (row) {
      event.preventDefault();
      row.classList.add("is-flashing");
      row.scrollIntoView({ block: "center" });
      setTimeout(() => row.classList.remove("is-flashing"), 1200);
      clearSearch();
    }
  });

  document.body.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id === "suggestions") {
      highlight(0);
      keepSuggestionsInView();
      return;
    }
    followFollowUpChoices();
    if (event.detail.target === attendees) {
      // A new person's next useful field is what they stand for; otherwise, the next name.
      clearSearch();
      const standsFor = attendees.lastElementChild.querySelector("input[name$='-stands_for']");
      if (standsFor) standsFor.focus();
    }
  });

  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", () => {
      if (document.activeElement === search) keepSuggestionsInView();
    });
  }

  form.addEventListener("click", (event) => {
    const different = event.target.closest("[data-different]");
    if (different) {
      // "Add as a different person": the name counts as checked; the save will not ask again.
      event.preventDefault();
      const row = different.closest(".attendee");
      const name = row.querySelector("input[name$='-full_name']");
      row.querySelector("input[name$='-checked']").value = name.value.trim().split(/\s+/).join(" ");
      row.querySelectorAll("[data-similar], [data-row-error]").forEach((element) => element.remove());
      row.querySelector("input[name$='-stands_for']").focus();
      return;
    }
    const button = event.target.closest("[data-remove-row]");
    if (!button) return;
    event.preventDefault();
    button.closest(".attendee").remove();
    search.focus();
  });
})();
