// Copy the front-end packages the pages use from node_modules into app/web/static/vendor.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
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
  // bpmn-js (bpmn.io licence: the watermark stays visible) — the prebuilt viewer (a global `BpmnJS`) for diagrams
  // that are only looked at (a case's path, the bottleneck heatmap), and its stylesheets and icon font.
  "bpmn-js/dist/bpmn-navigated-viewer.production.min.js": "bpmn-js/bpmn-navigated-viewer.production.min.js",
  "bpmn-js/dist/assets": "bpmn-js/assets",
  "bpmn-js/LICENSE": "bpmn-js/LICENSE",
  "@bpmn-io/properties-panel/dist/assets/properties-panel.css": "bpmn-js/properties-panel.css",
  "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css": "bpmn-js/bpmn-js-bpmnlint.css",
};
rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of Object.entries(files)) {
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(join(root, "node_modules", from), join(vendor, to), { recursive: true });
}
console.log(`assets: ${Object.keys(files).length} files and folders copied to app/web/static/vendor`);

// A module's own browser code that imports npm packages (the BPMN designer: bpmn-js with its properties panel,
// bpmnlint, bpmn-js-differ) lives in app/<module>/assets/<name>.js and is bundled here by esbuild into
// static/vendor/bundles/<module>-<name>.js (an IIFE: pages load it with a plain <script>).
const entries = {};
for (const module of readdirSync(join(root, "app"))) {
  const folder = join(root, "app", module, "assets");
  if (!existsSync(folder)) continue;
  for (const name of readdirSync(folder)) {
    if (name.endsWith(".js") && !name.startsWith("_")) entries[`${module}-${name.slice(0, -3)}`] = join(folder, name);
  }
}
if (Object.keys(entries).length) {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: entries,
    outdir: join(vendor, "bundles"),
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "iife",
    target: ["chrome110", "firefox110", "safari16"],
    jsx: "automatic",
    jsxImportSource: "@bpmn-io/properties-panel/preact",
    loader: { ".svg": "text", ".bpmnlintrc": "json" },
    logLevel: "warning",
  });
  console.log(`assets: ${Object.keys(entries).length} bundles built into app/web/static/vendor/bundles`);
}
