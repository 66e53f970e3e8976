// A page rendered in answer to a form's POST (a refusal: errors next to the fields, or an error page) becomes, in
// the browser's history, the page the form is on: reloading it then asks for that page again instead of offering
// to send the form a second time. The server names the page in data-page-url (app/web/views.py, page_url).
const pageUrl = document.currentScript?.dataset.pageUrl;
if (pageUrl) history.replaceState(history.state, "", pageUrl);
