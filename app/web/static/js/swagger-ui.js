// Starts Swagger UI on /api/v1/docs (app/web/templates/swagger_ui.html) without an inline script.
const container = document.getElementById("swagger-ui-container");
window.ui = SwaggerUIBundle({
  url: container.dataset.specUrl,
  dom_id: "#swagger-ui-container",
  ...JSON.parse(container.dataset.config || "{}"),
});
