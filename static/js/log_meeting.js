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

  const options = () => Array.from(document.querySelectorAll("#suggestions .suggestion"));

  function highlight(index) {
    const all = options();
    highlighted = all.length ? (index + all.length) % all.length : 0;
    all.forEach((option, i) => option.classList.toggle("is-highlighted", i === highlighted));
  }

  function clearSearch() {
    search.value = "";
    document.getElementById("suggestions").replaceChildren();
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

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-row]");
    if (!button) return;
    event.preventDefault();
    button.closest(".attendee").remove();
    search.focus();
  });
})();
