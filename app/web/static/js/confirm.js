// Behaviour the templates declare with data- attributes, because the Content-Security-Policy (app/web/security.py)
// runs no inline script — no onsubmit="…", no javascript: link:
//   <form data-confirm="Xóa …?">                    asks before the form is sent;
//   <form data-confirm="…" data-confirm-select="to_user_id" data-confirm-selected="… {choice} …">
//                                                    asks the second question, naming the option chosen, when that
//                                                    select has a value;
//   <form data-no-submit>                            is never sent (a preview);
//   <a data-history-back href="/">                   goes back one page (the link stays for no-script browsers).
// Listening on the document catches forms added later by htmx too.
function question(form) {
  const select = form.dataset.confirmSelect && form.elements[form.dataset.confirmSelect];
  if (select && select.value && form.dataset.confirmSelected) {
    return form.dataset.confirmSelected.replace("{choice}", select.options[select.selectedIndex].text);
  }
  return form.dataset.confirm;
}

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const refused = form.hasAttribute("data-no-submit") || (question(form) && !window.confirm(question(form)));
    if (refused) {
      event.preventDefault();
      event.stopImmediatePropagation(); // htmx's own listener on the form must not send it either
    }
  },
  true,
);

document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest("[data-history-back]");
  if (link && history.length > 1) {
    event.preventDefault();
    history.back();
  }
});
