"""The standards a PDF says it meets (GTS_PDFXVersion in Info, pdfaid/pdfuaid in its XMP): what
`presswork preflight` checks when no --standard is named, as a preflight profile picked from the file."""

from __future__ import annotations

import pikepdf

PDFX = {"PDF/X-1": "pdf/x-1a", "PDF/X-3": "pdf/x-3", "PDF/X-4": "pdf/x-4"}


def claims(pdf: pikepdf.Pdf) -> list[str]:
    """Standard names (as STANDARDS spells them) the file declares, PDF/X first."""
    found = []
    meta = pdf.open_metadata()
    version = str(pdf.trailer.get("/Info", {}).get("/GTS_PDFXVersion", "")) or meta.get("pdfxid:GTS_PDFXVersion", "")
    found += [name for prefix, name in PDFX.items() if version.startswith(prefix)]
    part, conformance = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
    if part:
        found.append(f"pdf/a-{part}{(conformance or 'b').lower()}")
    if meta.get("pdfuaid:part"):
        found.append(f"pdf/ua-{meta.get('pdfuaid:part')}")
    return found
