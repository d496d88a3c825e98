"""The accessibility report a distributor reads: the built EPUB checked against its own
accessibility claims, in plain words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..files.archives import BoundedZip
from ..package.reader import read_package
from ..text.scripts import foreign_runs

NS = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops", "opf": "http://www.idpf.org/2007/opf"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass
class Finding:
    ok: bool
    text: str


def check_epub(path: Path, print_edition: bool) -> list[Finding]:
    """The EPUB's claims against its content, reading what its package names as a reading system does."""
    with BoundedZip(path) as archive:
        package = read_package(archive)
        docs = {entry.id: package.parse(entry) for entry in package.documents()}
        nav = docs[package.nav().id]
    opf = package.opf
    meta = {}
    for element in opf.iterfind(".//opf:meta[@property]", NS):
        meta.setdefault(element.get("property"), []).append(element.text or "")
    images = [img for doc in docs.values() for img in doc.iter(f"{{{NS['h']}}}img")]
    no_alt = [img.get("src") for img in images if not (img.get("alt") or "").strip()]
    untagged = sum(_untagged_runs(doc) for doc in docs.values())
    page_list = nav.findall(".//h:nav[@epub:type='page-list']//h:a", NS)
    markers = sum(len(doc.findall(".//*[@epub:type='pagebreak']", NS)) for doc in docs.values())
    features = set(meta.get("schema:accessibilityFeature", []))
    findings = [
        Finding(all(meta.get(p) for p in ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard")),
                "The EPUB states how its content can be perceived (access modes), what helps readers "
                "(features) and that it has no hazards."),
        Finding(bool(meta.get("schema:accessibilitySummary")), "It has a short accessibility summary for store pages."),
        Finding(meta.get("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"],
                "It claims conformance to EPUB Accessibility 1.1 at WCAG 2.2 level AA."),
        Finding(not no_alt, f"All {len(images)} images have a text description."
                if not no_alt else f"{len(no_alt)} of {len(images)} images have no text description: {', '.join(no_alt)}."),
        Finding(("visual" in meta.get("schema:accessMode", [])) == bool(images),
                "Its access modes match its content: 'visual' is claimed exactly when it has images."),
        Finding(untagged == 0, "Every foreign-language passage is tagged with its language, so screen readers "
                "pronounce it correctly." if untagged == 0 else f"{untagged} passages in another script have no language tag."),
        Finding(nav.find(".//h:nav[@epub:type='toc']", NS) is not None and nav.find(".//h:nav[@epub:type='landmarks']", NS) is not None,
                "Readers can navigate by a table of contents and by landmarks."),
        Finding(all(i.get("linear", "yes") == "yes" or i.get("idref") == "cover" for i in opf.iterfind(".//opf:itemref", NS)),
                "The reading order runs through every document."),
    ]
    if print_edition:
        findings.append(Finding(bool(page_list) and len(page_list) == markers and {"pageBreakMarkers", "pageNavigation"} <= features,
                                f"Readers can go to any of the {len(page_list)} printed pages: a page list and "
                                f"{markers} page-break markers match the print edition."))
    else:
        findings.append(Finding(not page_list, "There is no print edition, so no page list is needed."))
    return findings


def _untagged_runs(doc: etree._Element) -> int:
    """Runs of another script whose nearest language tag is for a different script."""
    count = 0
    for element in doc.iter():
        if element.text and re.search("[\u0370-\u05ff]", element.text):
            count += len(foreign_runs(element.text, _lang_of(element)))
        if element.tail and re.search("[\u0370-\u05ff]", element.tail) and element.getparent() is not None:
            count += len(foreign_runs(element.tail, _lang_of(element.getparent())))
    return count


def _lang_of(element: etree._Element) -> str:
    for holder in (element, *element.iterancestors()):
        lang = holder.get(XML_LANG) or holder.get("lang")
        if lang:
            return lang
    return "und"


def report_markdown(title: str, epub_name: str, findings: list[Finding]) -> str:
    passed = sum(f.ok for f in findings)
    lines = [f"# Accessibility report: {title}", "",
             f"File checked: `{epub_name}`. {passed} of {len(findings)} checks passed.", ""]  # fmt: skip
    lines += [f"- {'Passed' if f.ok else 'NEEDS ATTENTION'}: {f.text}" for f in findings]
    lines += ["", "These checks read the EPUB itself, not the manuscript: what they say is what a reader gets."]
    return "\n".join(lines) + "\n"
