// A small PDF viewer on pdf.js, served from /static/vendor/pdfjs (copied from node_modules at build time; never
// a CDN): one canvas per page, drawn when it scrolls into view; previous/next page; zoom. Markup:
// web/_pdf_viewer.html. pdf.min.mjs is imported only on pages with a viewer, and a failure to load or draw is
// said in the page; the plain link next to the viewer stays as the fallback.
const vendor = new URL("../vendor/pdfjs/", import.meta.url);
let pdfjs; // the library, imported once a page has a viewer

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

class Viewer {
  constructor(root) {
    this.root = root;
    this.pagesBox = root.querySelector("[data-pages]");
    this.status = root.querySelector("[data-page-status]");
    this.zoomLabel = root.querySelector("[data-zoom]");
    this.buttons = Object.fromEntries(
      [...root.querySelectorAll("[data-action]")].map((b) => [b.dataset.action, b]),
    );
    this.scale = null; // null: fit the width of the box
    this.current = 1;
    this.pages = []; // {page, box, canvas, drawn, task}
  }

  async open(url) {
    this.pdf = await pdfjs.getDocument({
      url,
      // Everything pdf.js may fetch comes from this server too.
      cMapUrl: new URL("cmaps/", vendor).href,
      cMapPacked: true,
      standardFontDataUrl: new URL("standard_fonts/", vendor).href,
      wasmUrl: new URL("wasm/", vendor).href,
      iccUrl: new URL("iccs/", vendor).href,
      isEvalSupported: false,
      enableXfa: false,
    }).promise;
    for (let n = 1; n <= this.pdf.numPages; n++) {
      const page = await this.pdf.getPage(n);
      const box = document.createElement("div");
      box.className = "qlvb-pdf-page";
      box.dataset.page = String(n);
      const canvas = document.createElement("canvas");
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `Trang ${n}`);
      box.append(canvas);
      this.pagesBox.append(box);
      this.pages.push({ page, box, canvas, drawn: null, task: null });
    }
    this.observer = new IntersectionObserver((entries) => this.onVisible(entries), {
      root: this.pagesBox,
      rootMargin: "200px 0px",
    });
    this.pages.forEach((p) => this.observer.observe(p.box));
    this.pagesBox.addEventListener("scroll", () => this.trackPage(), { passive: true });
    this.buttons.prev.addEventListener("click", () => this.goTo(this.current - 1));
    this.buttons.next.addEventListener("click", () => this.goTo(this.current + 1));
    this.buttons["zoom-in"].addEventListener("click", () => this.zoom(+1));
    this.buttons["zoom-out"].addEventListener("click", () => this.zoom(-1));
    this.buttons.fit.addEventListener("click", () => this.setScale(null));
    let resizing;
    window.addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => this.scale === null && this.layout(), 150);
    });
    this.layout();
  }

  fitScale() {
    const first = this.pages[0].page.getViewport({ scale: 1 });
    const width = this.pagesBox.clientWidth - 24;
    return Math.max(0.25, width / first.width);
  }

  effectiveScale() {
    return this.scale ?? this.fitScale();
  }

  // Size every page box for the current zoom; draw the visible ones again.
  layout() {
    const scale = this.effectiveScale();
    for (const p of this.pages) {
      const viewport = p.page.getViewport({ scale });
      p.box.style.width = `${Math.floor(viewport.width)}px`;
      p.box.style.height = `${Math.floor(viewport.height)}px`;
      p.drawn = null;
    }
    this.zoomLabel.textContent = `${Math.round(scale * 100)}%`;
    for (const p of this.pages) {
      if (p.visible) this.draw(p);
    }
    this.update();
  }

  onVisible(entries) {
    for (const entry of entries) {
      const p = this.pages[Number(entry.target.dataset.page) - 1];
      p.visible = entry.isIntersecting;
      if (p.visible) this.draw(p);
    }
  }

  async draw(p) {
    const scale = this.effectiveScale();
    if (p.drawn === scale) return;
    p.drawn = scale;
    if (p.task) p.task.cancel();
    const viewport = p.page.getViewport({ scale });
    const ratio = window.devicePixelRatio || 1;
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `Trang ${p.box.dataset.page}`);
    p.task = p.page.render({
      canvas,
      canvasContext: canvas.getContext("2d"),
      viewport,
      transform: ratio === 1 ? null : [ratio, 0, 0, ratio, 0, 0],
    });
    try {
      await p.task.promise;
    } catch (error) {
      if (error?.name === "RenderingCancelledException") return;
      throw error;
    }
    // Swap in the finished canvas, so zooming never shows a blank page.
    canvas.dataset.rendered = "true";
    p.canvas.replaceWith(canvas);
    p.canvas = canvas;
    p.task = null;
  }

  trackPage() {
    const top = this.pagesBox.scrollTop + this.pagesBox.clientHeight / 3;
    let current = 1;
    for (const p of this.pages) {
      if (p.box.offsetTop - this.pagesBox.offsetTop <= top) current = Number(p.box.dataset.page);
    }
    if (current !== this.current) {
      this.current = current;
      this.update();
    }
  }

  goTo(n) {
    if (n < 1 || n > this.pages.length) return;
    this.current = n;
    const box = this.pages[n - 1].box;
    this.pagesBox.scrollTop = box.offsetTop - this.pagesBox.offsetTop - 8;
    this.update();
  }

  zoom(step) {
    const scale = this.effectiveScale();
    const next = step > 0 ? ZOOMS.find((z) => z > scale + 0.01) : [...ZOOMS].reverse().find((z) => z < scale - 0.01);
    if (next) this.setScale(next);
  }

  setScale(scale) {
    const page = this.current;
    this.scale = scale;
    this.layout();
    this.goTo(page);
  }

  update() {
    const total = this.pages.length;
    this.status.textContent = `Trang ${this.current}/${total}`;
    this.buttons.prev.disabled = this.current <= 1;
    this.buttons.next.disabled = this.current >= total;
    const scale = this.effectiveScale();
    this.buttons["zoom-out"].disabled = scale <= ZOOMS[0] + 0.01;
    this.buttons["zoom-in"].disabled = scale >= ZOOMS[ZOOMS.length - 1] - 0.01;
  }
}

function failed(root, error) {
  console.error(error);
  root.dataset.failed = "true";
  root.querySelector("[data-page-status]").textContent =
    "Không hiển thị được văn bản trong trang; hãy mở tệp PDF bằng liên kết bên cạnh.";
}

const roots = [...document.querySelectorAll("[data-pdf-viewer]")];
if (roots.length) {
  try {
    pdfjs = await import(new URL("pdf.min.mjs", vendor).href);
    pdfjs.GlobalWorkerOptions.workerSrc = new URL("pdf.worker.min.mjs", vendor).href;
    for (const root of roots) {
      new Viewer(root).open(root.dataset.src).catch((error) => failed(root, error));
    }
  } catch (error) {
    roots.forEach((root) => failed(root, error));
  }
}
