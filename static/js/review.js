// The weekly review: one key per decision (invitations: a accept, d decline, n not yet; weak
// ties: k keep, r reconnect, l let go, z snooze; s skip, u undo, f finish). Each key presses the
// button that carries it, so the keys do exactly what the buttons do, and the page works the
// same without this file (plain POSTs).
"use strict";

(() => {
  const TYPING = "input, textarea, select, [contenteditable]";

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.repeat) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target instanceof Element && event.target.closest(TYPING)) return;
    const walk = document.getElementById("review-walk");
    if (!walk) return;
    // One decision at a time: a key pressed while the last one is on its way is dropped,
    // not queued against a card that is about to change.
    if (walk.querySelector(".htmx-request")) return;
    const key = event.key.toLowerCase();
    const button = Array.from(walk.querySelectorAll("[data-review-key]")).find(
      (candidate) => candidate.dataset.reviewKey === key && !candidate.disabled,
    );
    if (!button) return;
    event.preventDefault();
    button.click();
  });
})();
