// A date typed beside a choice ticks that choice: the date is meant for it (the direction form's per-unit
// deadlines). Clearing the date leaves the tick alone. Without JavaScript the server says which date has no tick.
document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.ticks || !input.value) return;
  const choice = document.getElementById(input.dataset.ticks);
  if (choice && !choice.checked && !choice.disabled) {
    choice.checked = true;
    choice.dispatchEvent(new Event("change", { bubbles: true }));
  }
});
