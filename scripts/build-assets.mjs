// Copy the front-end packages the pages use from node_modules into app/web/static/vendor.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const vendor = join(root, "app", "web", "static", "vendor");
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  // Chart.js (UMD build, a global `Chart`) for the leaders' dashboard trend chart (app/reports).
  "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
  "chart.js/LICENSE.md": "chartjs/LICENSE.md",
  "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
  "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
  "swagger-ui-dist/swagger-ui-standalone-preset.js": "swagger-ui/swagger-ui-standalone-preset.js",
  "swagger-ui-dist/favicon-32x32.png": "swagger-ui/favicon-32x32.png",
  // pdf.js for the document viewer (static/js/pdf-viewer.js): the library, its worker, and the data it fetches
  // (character maps, the 14 standard fonts, image decoders as WebAssembly, the CMYK colour profile).
  "pdfjs-dist/build/pdf.min.mjs": "pdfjs/pdf.min.mjs",
  "pdfjs-dist/build/pdf.worker.min.mjs": "pdfjs/pdf.worker.min.mjs",
  "pdfjs-dist/LICENSE": "pdfjs/LICENSE",
  "pdfjs-dist/cmaps": "pdfjs/cmaps",
  "pdfjs-dist/standard_fonts": "pdfjs/standard_fonts",
  "pdfjs-dist/wasm": "pdfjs/wasm",
  "pdfjs-dist/iccs": "pdfjs/iccs",
};
rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(join(root, "node_modules", from), join(vendor, to), { recursive: true });
}
console.log(`assets: ${Object.keys(files).length} files and folders copied to app/web/static/vendor`);
