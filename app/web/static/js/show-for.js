// Show a part of a form only for the choices it belongs to: `<div data-show-for="channel=edxml">` is shown while
// the radio/select named `channel` has the value `edxml` (several values: `channel=paper,electronic`). Without
// JavaScript every part stays visible, so nothing is ever out of reach.
function update(form) {
  for (const part of form.querySelectorAll("[data-show-for]")) {
    const [name, values] = part.dataset.showFor.split("=");
    const field = form.elements.namedItem(name);
    const value = field instanceof RadioNodeList || field?.tagName === "SELECT" ? field.value : field?.value;
    const shown = values.split(",").includes(value);
    part.hidden = !shown;
    for (const input of part.querySelectorAll("input, select, textarea")) input.disabled = !shown;
  }
}

for (const form of document.querySelectorAll("form:has([data-show-for])")) {
  form.addEventListener("change", () => update(form));
  update(form);
}
