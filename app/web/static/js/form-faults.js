// After a refused form: the first control at fault has the focus and sits mid-screen with its message below it.
// Task forms mark that control `autofocus` on the server; other pages' forms only mark `.is-invalid`, so the
// first of those takes the focus here. Centring also keeps a field low on the page from hiding its message.
function firstFault() {
  const focused = document.activeElement;
  if (focused && focused !== document.body && focused.matches("[aria-invalid=true], .is-invalid")) return focused;
  return document.querySelector("main input.is-invalid, main select.is-invalid, main textarea.is-invalid");
}

window.addEventListener("load", () => {
  const control = firstFault();
  if (!control) return;
  if (document.activeElement !== control) control.focus({ preventScroll: true });
  control.scrollIntoView({ block: "center" });
});

// A refused action whose form sits in a folded <details> comes back to the page's address with the panel's id
// (…#recall): the panel opens with its first field focused, so the person sees the form and the message together.
window.addEventListener("load", () => {
  const target = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
  const panel = target && target.closest("details");
  if (!panel) return;
  panel.open = true;
  const field = panel.querySelector("textarea, input:not([type=hidden]), select");
  if (field) field.focus({ preventScroll: true });
  panel.scrollIntoView({ block: "center" });
});
