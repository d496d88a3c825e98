"""What a PDF/X file must declare, read from the catalog and the page dictionaries: the output
intent, the version keys, Trapped, the page boxes, the ID; and no annotation inside the trim."""

from __future__ import annotations

import pikepdf

from .findings import Finding


def output_intent(pdf: pikepdf.Pdf, subtype: str) -> list[Finding]:
    """One output intent of `subtype` (GTS_PDFX, GTS_PDFA1) with an embedded profile."""
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == pikepdf.Name("/" + subtype)]
    if not intents:
        return [Finding("X001", None, f"no {subtype} output intent")]
    if "/DestOutputProfile" not in intents[0]:
        return [Finding("X002", None, f"the {subtype} output intent embeds no ICC profile (DestOutputProfile)")]
    return []


def info_keys(pdf: pikepdf.Pdf, version: str) -> list[Finding]:
    """GTS_PDFXVersion naming `version` (Info, or XMP pdfxid for X-4), Trapped True or False, the ID."""
    info = pdf.trailer.get("/Info", {})
    meta = pdf.open_metadata()
    found = []
    declared = str(info.get("/GTS_PDFXVersion", "")) or meta.get("pdfxid:GTS_PDFXVersion", "")
    if not declared.startswith(version):
        found.append(Finding("X003", None, f"GTS_PDFXVersion is {declared or 'missing'}, not {version}"))
    trapped = str(info.get("/Trapped", "")).lstrip("/") or meta.get("pdf:Trapped", "")
    if trapped not in ("True", "False"):
        found.append(Finding("X004", None, f"Trapped is {trapped or 'missing'}, not True or False"))
    if "/ID" not in pdf.trailer:
        found.append(Finding("X005", None, "the trailer has no ID"))
    return found


def page_boxes(pdf: pikepdf.Pdf) -> list[Finding]:
    """TrimBox on every page, inside the BleedBox, inside the MediaBox."""
    found = []
    for number, page in enumerate(pdf.pages, 1):
        media = _box(page.obj.get("/MediaBox"))
        trim = _box(page.obj.get("/TrimBox"))
        bleed = _box(page.obj.get("/BleedBox")) or media
        if trim is None:
            found.append(Finding("X010", number, "no TrimBox"))
        elif not (_inside(trim, bleed) and _inside(bleed, media)):
            found.append(Finding("X011", number, "TrimBox ⊄ BleedBox ⊄ MediaBox"))
    return found


def annotations_in_trim(pdf: pikepdf.Pdf) -> list[Finding]:
    """Annotations other than printer's marks that reach into the trim box (PDF/X forbids them)."""
    found = []
    for number, page in enumerate(pdf.pages, 1):
        trim = _box(page.obj.get("/TrimBox")) or _box(page.obj.get("/MediaBox"))
        inside = [a for a in page.obj.get("/Annots", [])
                  if a.get("/Subtype") != pikepdf.Name.PrinterMark and _overlaps(_box(a.get("/Rect")), trim)]  # fmt: skip
        if inside:
            kinds = sorted({str(a.get("/Subtype"))[1:] for a in inside})
            found.append(Finding("X020", number, f"{len(inside)} annotation(s) inside the trim box ({', '.join(kinds)})"))
    return found


Box = tuple[float, float, float, float]


def _box(value: object) -> Box | None:
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inside(inner: Box, outer: Box, slack: float = 0.01) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)  # fmt: skip


def _overlaps(a: Box | None, b: Box | None) -> bool:
    return a is not None and b is not None and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def version_at_most(pdf: pikepdf.Pdf, ceiling: str) -> list[Finding]:
    """The file's PDF version is one the standard is built on (1.3/1.4 for X-1a, X-3 and A-1)."""
    if tuple(map(int, pdf.pdf_version.split("."))) > tuple(map(int, ceiling.split("."))):
        return [Finding("X006", None, f"the file is PDF {pdf.pdf_version}; the standard allows at most {ceiling}")]
    return []


def forbidden(pdf: pikepdf.Pdf) -> list[Finding]:
    """What no print or archive standard takes: encryption, JavaScript, form fields."""
    found = []
    if pdf.is_encrypted:
        found.append(Finding("X007", None, "the file is encrypted"))
    names = pdf.Root.get("/Names", {})
    if "/JavaScript" in names or "/JS" in pdf.Root.get("/OpenAction", {}):
        found.append(Finding("X008", None, "the file holds JavaScript"))
    if pdf.Root.get("/AcroForm", {}).get("/Fields"):
        found.append(Finding("X009", None, "the file holds form fields"))
    return found


def pdfa_identification(pdf: pikepdf.Pdf, part: int, conformance: str) -> list[Finding]:
    """XMP pdfaid:part and pdfaid:conformance naming this part and level."""
    meta = pdf.open_metadata()
    declared = (meta.get("pdfaid:part"), (meta.get("pdfaid:conformance") or "").upper())
    if declared != (str(part), conformance):
        return [Finding("A001", None, f"XMP identifies PDF/A-{declared[0] or '?'}{declared[1].lower()}, not PDF/A-{part}{conformance.lower()}")]
    return []


PRINT = 4  # an annotation's F bit 3
HIDING = 1 | 2 | 32 | 256  # Invisible, Hidden, NoView, ToggleNoView: PDF/A wants each 0


def printable_annotations(pdf: pikepdf.Pdf) -> list[Finding]:
    """PDF/A: every annotation but a Popup printed and shown (links stay: PDF/A allows them)."""
    found = []
    for number, page in enumerate(pdf.pages, 1):
        bad = [a for a in page.obj.get("/Annots", [])
               if a.get("/Subtype") != pikepdf.Name.Popup and (int(a.get("/F", 0)) & (PRINT | HIDING)) != PRINT]  # fmt: skip
        if bad:
            found.append(Finding("A002", number, f"{len(bad)} annotation(s) without the Print flag or with a hiding one (Hidden, Invisible, NoView)"))
    return found
