"""Kobo's kepub markup on a content document, as Kobo's own conversion and kepubify (4.x,
kepub/transform.go) make it: Kobo's reader anchors highlights, bookmarks, reading position and
its statistics on these spans, and paginates through the two wrapping divs.

- every run of text in the body is cut into sentences, each in a `span class="koboSpan"` with the
  id `kobo.P.S` (P counts the paragraphs: it steps at the first span after entering a `p`, list,
  table or heading; S counts the spans within it, from 1);
- text that is only whitespace stays bare, except right inside a `p`;
- an `img` opens a paragraph of its own and is wrapped in a span;
- nothing inside `script`, `style`, `pre`, `audio`, `video`, `svg` or `math` is touched;
- the body's content goes into `div#book-columns > div#book-inner`, and a style element carries
  kepubify's one Kobo style fix (Kobo's own adds link colours and margin overrides that kepubify
  found to do more harm than good).

Only elements are added: every character of text stays where it was, so the text a reader sees,
and every id, link, `lang` and `epub:type` (page breaks, note references) are unchanged.
"""

from __future__ import annotations

import re

from lxml import etree

H = "{http://www.w3.org/1999/xhtml}"
KOBO_STYLE = "div#book-inner { margin-top: 0; margin-bottom: 0;}"  # kepubify's, byte for byte
PARAGRAPHS = frozenset({"p", "ol", "ul", "table", "h1", "h2", "h3", "h4", "h5", "h6"})
VERBATIM = frozenset({"script", "style", "pre", "audio", "video", "svg", "math"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
# A sentence ends after ., ! or ?, perhaps one closing quote or ellipsis, and the whitespace that
# follows (ASCII whitespace only, as in kepubify: a no-break space does not end a sentence).
SENTENCE_END = re.compile("[.!?]['\"\u201d\u2019\u201c\u2026]?[\t\n\f\r ]+")


def sentences(text: str) -> list[str]:
    """`text` cut after each sentence end, the whitespace staying with the sentence before it, so
    that the pieces join to `text` again; text with no sentence end is one piece."""
    cuts = [m.end() for m in SENTENCE_END.finditer(text)]
    starts = [0, *cuts]
    pieces = [text[a:b] for a, b in zip(starts, cuts)]
    if not cuts or cuts[-1] < len(text):
        pieces.append(text[starts[-1] :])
    return pieces


def kepub_document(xhtml: bytes) -> bytes:
    """A content document with Kobo's spans, wrapping divs and style fix."""
    root = etree.fromstring(xhtml)
    style = etree.SubElement(root.find(f"{H}head"), f"{H}style", {"type": "text/css", "class": "kobostylehacks"})
    style.text, style.tail = KOBO_STYLE, "\n"
    body = root.find(f"{H}body")
    _wrap(body)
    _Spans().mark(body)
    for element in root.iter(f"{H}*"):  # `<span></span>`, not `<span/>`, as the document had it
        if element.text is None and len(element) == 0 and etree.QName(element).localname not in VOID:
            element.text = ""
    tree = root.getroottree()
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=True, doctype=tree.docinfo.doctype)


def _wrap(body: etree._Element) -> None:
    """The body's content, text and elements, moved into div#book-columns > div#book-inner."""
    inner = etree.Element(f"{H}div", {"id": "book-inner"})
    inner.text, body.text = body.text, None
    inner.extend(list(body))
    etree.SubElement(body, f"{H}div", {"id": "book-columns"}).append(inner)


class _Spans:
    """One document's span numbering, walked in document order as kepubify walks it."""

    def __init__(self) -> None:
        self.para = self.seg = 0
        self.next_para = False  # a paragraph was entered: its first span steps the counter
        self.changes: list[tuple[str, etree._Element, list[etree._Element]]] = []

    def mark(self, body: etree._Element) -> None:
        """Number every span first, in document order, then insert them from the end back, so
        that each change leaves the places of the ones still to make where they were."""
        self._visit(body)
        for where, node, spans in reversed(self.changes):
            if where == "text":
                node.text = None
                node[0:0] = spans
            elif where == "tail":
                node.tail = None
                for span in reversed(spans):
                    node.addnext(span)
            else:  # an image: into its span, its tail left outside
                [span] = spans
                span.tail, node.tail = node.tail, None
                node.addprevious(span)
                span.append(node)

    def _visit(self, element: etree._Element) -> None:
        name = etree.QName(element).localname
        if name == "img":
            self.para, self.seg, self.next_para = self.para + 1, 0, False
            self.changes.append(("img", element, [self._span(None)]))
            return
        if name in VERBATIM:
            return
        if name in PARAGRAPHS:
            self.next_para = True
        self._text(element, "text", element.text, element)
        for child in element:
            if isinstance(child.tag, str):  # not a comment or processing instruction
                self._visit(child)
            self._text(child, "tail", child.tail, element)

    def _text(self, node: etree._Element, where: str, text: str | None, parent: etree._Element) -> None:
        if not text or (text.isspace() and etree.QName(parent).localname != "p"):
            return
        spans = []
        for sentence in sentences(text):
            if self.next_para:
                self.para, self.seg, self.next_para = self.para + 1, 0, False
            spans.append(self._span(sentence))
        self.changes.append((where, node, spans))

    def _span(self, text: str | None) -> etree._Element:
        self.seg += 1
        span = etree.Element(f"{H}span", {"class": "koboSpan", "id": f"kobo.{self.para}.{self.seg}"})
        span.text = text
        return span
