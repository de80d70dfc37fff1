// Copy buttons: <button data-copy="#selector" data-copied="Copied">, copying the text of the
// element the selector names. Without this file the text is still there to select by hand.
"use strict";

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    button.textContent = button.dataset.copied || "Copied";
  } catch {
    button.textContent = "Select the text and copy it by hand";
  }
  setTimeout(() => { button.textContent = label; }, 2000);
});
