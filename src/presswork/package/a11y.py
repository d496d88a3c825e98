"""The EPUB's accessibility claims, computed from what the book holds, so that no product claims
more than its content gives: the package metadata, the dist report and the ONIX record all take
them from `claims`."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Book
from ..text.markers import is_placeholder

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def describes(alt: str) -> bool:
    """Whether an alt text is a real description of its figure."""
    return bool(alt.strip()) and not is_placeholder(alt)


@dataclass(frozen=True)
class Content:
    """What a book holds that its accessibility claims depend on."""

    images: int  # every image a reader sees, the cover included
    figures: int  # images in the text (the cover is not one)
    undescribed: int  # figures without a real description: an empty alt text or a placeholder's
    index: bool
    page_list: bool  # print page numbers: a page list and page-break markers


@dataclass(frozen=True)
class Claims:
    """EPUB Accessibility 1.1 claims: the schema.org properties and the conformance, if any."""

    modes: tuple[str, ...]
    sufficient: tuple[str, ...]
    features: tuple[str, ...]
    summary: str
    conforms_to: str | None  # None: the book does not meet WCAG 2.2 AA, so it claims no conformance

    def metadata(self) -> list[tuple[str, str]]:
        """The package document's (property, value) pairs, in the order they are written."""
        pairs = [("schema:accessMode", m) for m in self.modes]
        pairs += [("schema:accessModeSufficient", s) for s in self.sufficient]
        pairs += [("schema:accessibilityFeature", f) for f in self.features]
        pairs += [("schema:accessibilityHazard", "none"), ("schema:accessibilitySummary", self.summary)]
        return pairs + ([("dcterms:conformsTo", self.conforms_to)] if self.conforms_to else [])


def _undescribed(content: Content) -> str:
    """Which figures lack a description, counts and verbs agreeing (a book may have one figure)."""
    if content.undescribed != 1:
        return f"{content.undescribed} of its {content.figures} figures have no text description (their images are placeholders or undescribed)"
    which = "its one figure" if content.figures == 1 else f"1 of its {content.figures} figures"
    return f"{which} has no text description (its image is a placeholder or undescribed)"


def claims(content: Content) -> Claims:
    """The claims `content` supports. A figure without a real description (a placeholder's alt text
    says only that the image is missing) fails WCAG 1.1.1, so it takes away `alternativeText`, the
    textual access mode's sufficiency, the summary's word on figures and the conformance claim."""
    described = content.undescribed == 0
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if content.figures and described:
        features.append("alternativeText")
    if content.index:
        features.append("index")
    if content.page_list:
        features += ["pageBreakMarkers", "pageNavigation"]
    if described:
        opening = "This publication conforms to EPUB Accessibility 1.1 at WCAG 2.2 Level AA as far as automated checks can tell."
    else:
        opening = f"This publication does not meet WCAG 2.2 Level AA: {_undescribed(content)}."
    summary = (
        f"{opening} It has a navigable table of contents, headings that mark its structure, a logical "
        "reading order, notes linked to and from their references, and language tags on foreign-language passages."
        + (" Every figure has a text description." if content.figures and described else "")
        + (" Page numbers of the print edition can be reached from a page list." if content.page_list else "")
        + " Text can be resized and restyled; no content depends on colour, sound or motion."
    )
    sufficient = (["textual"] if described else []) + (["textual,visual"] if content.images else [])
    return Claims(
        modes=("textual", "visual") if content.images else ("textual",),
        sufficient=tuple(sufficient),
        features=tuple(features),
        summary=summary,
        conforms_to=CONFORMANCE if described else None,
    )


def book_claims(book: Book, page_list: bool) -> Claims:
    """The claims of an EPUB of `book` (with the print edition's page list when `page_list`)."""
    figures = list(book.figures())
    content = Content(
        images=len(figures) + 1,  # the cover: the manuscript's, or the one presswork draws
        figures=len(figures),
        undescribed=sum(not describes(f.alt) for f in figures),
        index=bool(book.index),
        page_list=page_list,
    )
    return claims(content)
