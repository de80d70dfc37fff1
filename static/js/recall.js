// Recall checks: 1-4 answer (No idea, Vaguely, Yes, Instantly), n or Enter goes to the next
// check, u takes the last answer back. Each key presses the button or link that carries it, so
// the keys do exactly what a tap does, and the page works the same without this file.
"use strict";

(() => {
  const TYPING = "input, textarea, select, [contenteditable]";
  // Enter on a focused button or link is the browser's own press; only a bare Enter is ours.
  const PRESSABLE = "a[href], button, summary";

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.repeat) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target && target.closest(TYPING)) return;
    const session = document.getElementById("recall-session");
    if (!session) return;
    // One answer at a time: a key pressed while the last one is on its way is dropped, not
    // counted against the card that is about to replace it.
    if (session.querySelector(".htmx-request") || session.classList.contains("htmx-request")) return;
    let key = event.key.toLowerCase();
    if (key === "enter") {
      if (target && target.closest(PRESSABLE)) return;
      key = "n";
    }
    const control = Array.from(session.querySelectorAll("[data-recall-key]")).find(
      (candidate) => candidate.dataset.recallKey === key && !candidate.disabled,
    );
    if (!control) return;
    event.preventDefault();
    control.click();
  });
})();
