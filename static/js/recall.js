// Recall checks: 1-4 answer (No idea, Vaguely, Yes, Instantly), n or Enter goes to the next
// check, u takes the last answer back. Each key presses the button or link that carries it, so
// the keys do exactly what a tap does, and the page works the same without this file.
"use strict";

(() => {
  const TYPING = "input, textarea, select, [contenteditable]";
  // Enter on a focused button or link is the browser's own press; only a bare Enter is ours.
  const PRESSABLE = "a[href], button, summary";
  // A key pressed in the moment htmx has put a card in but not yet wired it waits for it.
  let waiting = null;

  const session = () => document.getElementById("recall-session");

  const press = (key) => {
    const control = Array.from(session().querySelectorAll("[data-recall-key]")).find(
      (candidate) => candidate.dataset.recallKey === key && !candidate.disabled,
    );
    if (control) control.click();
    return Boolean(control);
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.repeat) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target && target.closest(TYPING)) return;
    const current = session();
    if (!current) return;
    let key = event.key.toLowerCase();
    if (key === "enter") {
      if (target && target.closest(PRESSABLE)) return;
      key = "n";
    }
    if (!["1", "2", "3", "4", "n", "u"].includes(key)) return;
    event.preventDefault();
    // One answer at a time: a key pressed while the last one is on its way is dropped, not
    // counted against the card that is about to replace it.
    if (current.querySelector(".htmx-request")) return;
    if (current.classList.contains("htmx-added")) {
      waiting = key;
      return;
    }
    press(key);
  });

  // htmx puts the focus back in a field that keeps its id across a swap. After "what they stand
  // for" is saved the focus belongs on Next: leave no field focused, so that a key pressed before
  // the new card settles waits for it instead of being typed into the field.
  document.addEventListener("htmx:beforeSwap", () => {
    const active = document.activeElement;
    const current = session();
    if (active && current && current.contains(active) && active.matches(TYPING)) active.blur();
  });

  document.addEventListener("htmx:afterSettle", () => {
    const current = session();
    if (!current) return;
    // Next after a save; the field again when what was typed is refused.
    const next = current.querySelector("[autofocus]");
    if (next) next.focus();
    if (waiting) {
      const key = waiting;
      waiting = null;
      press(key);
    }
  });
})();
