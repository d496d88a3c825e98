"""The accessibility report a distributor reads: the built EPUB checked against its own
accessibility claims, in plain words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..files.archives import BoundedZip
from ..package.a11y import CONFORMANCE, Content, claims, describes
from ..package.reader import read_package
from ..text.labels import counted
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
    no_alt = [img.get("src") for img in images if not describes(img.get("alt") or "")]
    untagged = sum(_untagged_runs(doc) for doc in docs.values())
    page_list = nav.findall(".//h:nav[@epub:type='page-list']//h:a", NS)
    markers = sum(len(doc.findall(".//*[@epub:type='pagebreak']", NS)) for doc in docs.values())
    features = set(meta.get("schema:accessibilityFeature", []))
    figures = [img for img in images if not any(_is_cover(e) for e in img.iterancestors())]
    index = any(doc.find(".//*[@epub:type='index']", NS) is not None for doc in docs.values())
    undescribed = sum(not describes(img.get("alt") or "") for img in figures)
    supported = _checkable(claims(Content(len(images), len(figures), undescribed, index, bool(page_list))).metadata())
    declared = _checkable([(prop, value) for prop, values in meta.items() for value in values])
    conforms = meta.get("dcterms:conformsTo") == [CONFORMANCE]
    findings = [
        Finding(all(meta.get(p) for p in ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard")),
                "The EPUB states how its content can be perceived (access modes), what helps readers "
                "(features) and that it has no hazards."),
        Finding(bool(meta.get("schema:accessibilitySummary")), "It has a short accessibility summary for store pages."),
        Finding(conforms, "It claims conformance to EPUB Accessibility 1.1 at WCAG 2.2 level AA." if conforms
                else "It claims no conformance to EPUB Accessibility 1.1 at WCAG 2.2 level AA."),
        Finding(declared == supported, "Its accessibility claims are those its content supports." if declared == supported
                else f"Its accessibility claims are not those its content supports: it claims {_pairs(declared, supported)} "
                f"beyond them and lacks {_pairs(supported, declared)}."),
        Finding(not no_alt, _descriptions(len(images), no_alt)),
        Finding(("visual" in meta.get("schema:accessMode", [])) == bool(images),
                "Its access modes match its content: 'visual' is claimed exactly when it has images."),
        Finding(untagged == 0, "Every foreign-language passage is tagged with its language, so screen readers "
                "pronounce it correctly." if untagged == 0 else
                f"{counted(untagged, 'passage')} in another script {'has' if untagged == 1 else 'have'} no language tag."),
        Finding(nav.find(".//h:nav[@epub:type='toc']", NS) is not None and nav.find(".//h:nav[@epub:type='landmarks']", NS) is not None,
                "Readers can navigate by a table of contents and by landmarks."),
        Finding(all(i.get("linear", "yes") == "yes" or i.get("idref") == "cover" for i in opf.iterfind(".//opf:itemref", NS)),
                "The reading order runs through every document."),
    ]
    if print_edition:
        findings.append(Finding(bool(page_list) and len(page_list) == markers and {"pageBreakMarkers", "pageNavigation"} <= features,
                                f"Readers can go to any of the {counted(len(page_list), 'printed page')}: a page list and "
                                f"{counted(markers, 'page-break marker')} match the print edition."))
    else:
        findings.append(Finding(not page_list, "There is no print edition, so no page list is needed."))
    return findings


def _descriptions(images: int, undescribed: list[str]) -> str:
    """The finding on text descriptions, counts and verbs agreeing (a book may have one image, or none)."""
    if not images:
        return "It has no images to describe."
    if not undescribed:
        return "Its one image has a text description." if images == 1 else f"All {images} images have a text description."
    which = "Its one image has" if images == 1 else f"{len(undescribed)} of {images} images {'has' if len(undescribed) == 1 else 'have'}"
    return f"{which} no text description (or a placeholder's): {', '.join(undescribed)}."


def _is_cover(element: etree._Element) -> bool:
    return "cover" in (element.get(f"{{{NS['epub']}}}type") or "").split()


def _checkable(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The claims a machine can check against the content, sorted: the summary is prose."""
    kept = ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
            "schema:accessibilityHazard", "dcterms:conformsTo")  # fmt: skip
    return sorted(pair for pair in pairs if pair[0] in kept)


def _pairs(these: list[tuple[str, str]], beyond: list[tuple[str, str]]) -> str:
    """The claims in `these` and not in `beyond`, in words."""
    return ", ".join(f"{prop} {value}" for prop, value in sorted(set(these) - set(beyond))) or "nothing"


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
             f"File checked: `{epub_name}`. {passed} of {counted(len(findings), 'check')} passed.", ""]  # fmt: skip
    lines += [f"- {'Passed' if f.ok else 'NEEDS ATTENTION'}: {f.text}" for f in findings]
    lines += ["", "These checks read the EPUB itself, not the manuscript: what they say is what a reader gets."]
    return "\n".join(lines) + "\n"
