"""A real PDF annotator for the tests: pdf.js (pdfjs-dist from npm, the viewer Firefox ships) in
Debian's chromium, driven by Playwright like a proofreader's hands. Words are highlighted by
dragging the mouse over them with the highlight tool, free text typed into a box placed with a
click, and the document saved by pdf.js's own writer (`saveDocument`)."""

from __future__ import annotations

import base64
import functools
import http.server
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/pdfjs/web/pdf_viewer.css">
<style>#viewerContainer{position:absolute;inset:0;overflow:auto}</style></head>
<body><div id="viewerContainer"><div id="viewer" class="pdfViewer"></div></div>
<script type="module">
const pdfjsLib = await import("/pdfjs/build/pdf.mjs");
globalThis.pdfjsLib = pdfjsLib;
const viewer = await import("/pdfjs/web/pdf_viewer.mjs");
pdfjsLib.GlobalWorkerOptions.workerSrc = "/pdfjs/build/pdf.worker.mjs";
const eventBus = new viewer.EventBus();
const container = document.getElementById("viewerContainer");
const pdfViewer = new viewer.PDFViewer({container, eventBus,
  annotationEditorMode: pdfjsLib.AnnotationEditorType.NONE, textLayerMode: 1});
const doc = await pdfjsLib.getDocument({url: "/proof.pdf"}).promise;
window.rendered = new Set();
eventBus.on("textlayerrendered", e => window.rendered.add(e.pageNumber));
eventBus.on("pagesinit", () => { pdfViewer.currentScaleValue = "1"; window.ready = true; });
pdfViewer.setDocument(doc);
window.app = {pdfjsLib, pdfViewer, doc};
window.wordBox = (page, word) => {
  const layer = document.querySelector(`.page[data-page-number="${page}"] .textLayer`);
  const walker = document.createTreeWalker(layer, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    const at = node.data.search(new RegExp(`(?<![\\\\p{L}])${word}(?![\\\\p{L}])`, "u"));
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at); range.setEnd(node, at + word.length);
      const r = range.getBoundingClientRect();
      return [r.left, r.top, r.right, r.bottom];
    }
  }
  return null;
};
window.setMode = async mode => {
  pdfViewer.annotationEditorMode = {mode: pdfjsLib.AnnotationEditorType[mode]};
  await new Promise(resolve => setTimeout(resolve, 100));
};
window.save = async () => {
  const bytes = await doc.saveDocument();
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
};
</script></body></html>"""


def pdfjs_root() -> Path | None:
    """pdfjs-dist as `npm install -g pdfjs-dist@5` (make system-deps) put it, or None."""
    try:
        root = subprocess.run(["npm", "root", "-g"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(root) / "pdfjs-dist"
    return path if (path / "build" / "pdf.mjs").is_file() else None


@contextmanager
def serving(pdf: Path, pdfjs: Path) -> Iterator[str]:
    """The viewer page, pdf.js and the PDF on 127.0.0.1 (module scripts will not load from file://)."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            path = path.split("?")[0]
            if path == "/proof.pdf":
                return str(pdf)
            if path.startswith("/pdfjs/"):
                return str(pdfjs / path.removeprefix("/pdfjs/"))
            return "/nonexistent"

        def do_GET(self) -> None:
            if self.path == "/":
                body = PAGE.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    Handler.extensions_map = {**Handler.extensions_map, ".mjs": "text/javascript"}
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def annotate(browser, pdf: Path, pdfjs: Path, highlights: list[tuple[int, str]], texts: list[tuple[int, str, str]]) -> bytes:
    """The PDF as pdf.js saves it after highlighting each (page, word) and typing each (page, word,
    text) free text just over the word."""
    with serving(pdf, pdfjs) as url:
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        try:
            page.goto(url)
            page.wait_for_function("window.ready === true")
            page.evaluate("setMode('HIGHLIGHT')")
            for number, word in highlights:
                x0, y0, x1, y1 = _show(page, number, word)
                page.mouse.move(x0 + 1, (y0 + y1) / 2)
                page.mouse.down()
                page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=3)
                page.mouse.move(x1 - 1, (y0 + y1) / 2, steps=3)
                page.mouse.up()
                page.wait_for_timeout(200)
            page.evaluate("setMode('FREETEXT')")
            for number, word, text in texts:
                x0, y0, x1, y1 = _show(page, number, word)
                page.mouse.click(x0 + 1, (y0 + y1) / 2)
                page.wait_for_timeout(200)
                page.keyboard.type(text)
                page.keyboard.press("Escape")
                page.wait_for_timeout(200)
            page.evaluate("setMode('NONE')")
            return base64.b64decode(page.evaluate("save()"))
        finally:
            page.close()


def _show(page, number: int, word: str) -> list[float]:
    """Scroll page `number` into view and wait for its text layer; the word's box in the window."""
    page.evaluate(f"app.pdfViewer.currentPageNumber = {number}")
    page.wait_for_function(f"window.rendered.has({number})")
    page.evaluate(f"document.querySelector('.page[data-page-number=\"{number}\"]').scrollIntoView()")
    page.wait_for_timeout(100)
    box = page.evaluate("([p, w]) => wordBox(p, w)", [number, word])
    if box is None:
        raise LookupError(f"{word!r} is not on page {number}'s text layer")
    return box
