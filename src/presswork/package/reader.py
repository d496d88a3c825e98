"""Reading a built EPUB the way a reading system does: META-INF/container.xml names the package
document, whose manifest and spine name every file, so no file name is guessed. Every read goes
through the bounded zip reader, so a hostile archive is a one-line error, not a zip bomb."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import unquote

from lxml import etree

from ..files.archives import BoundedZip

NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf"}
XHTML = "application/xhtml+xml"


@dataclass(frozen=True)
class Entry:
    """A manifest item: its href as the package gives it and its path inside the archive."""

    id: str
    href: str
    path: str
    media_type: str
    properties: frozenset[str]


@dataclass
class Package:
    archive: BoundedZip
    opf: etree._Element
    manifest: dict[str, Entry]  # by id, in manifest order
    spine: list[Entry]

    def parse(self, entry: Entry) -> etree._Element:
        return etree.fromstring(self.archive.read(entry.path))

    def documents(self) -> list[Entry]:
        """Every XHTML content document, the navigation document included, in manifest order."""
        return [e for e in self.manifest.values() if e.media_type == XHTML]

    def nav(self) -> Entry:
        """The navigation document: the manifest item with the `nav` property."""
        for entry in self.manifest.values():
            if "nav" in entry.properties:
                return entry
        raise KeyError("the package has no navigation document")


def read_package(archive: BoundedZip) -> Package:
    """The package the container names. A missing part raises KeyError, AttributeError or TypeError,
    malformed XML `etree.XMLSyntaxError`, for the caller to word."""
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    opf_path = container.find(".//c:rootfile", NS).get("full-path")
    opf = etree.fromstring(archive.read(opf_path))
    base = posixpath.dirname(opf_path)
    manifest = {}
    for item in opf.iterfind("opf:manifest/opf:item", NS):
        href = item.get("href")
        path = posixpath.normpath(posixpath.join(base, unquote(href)))
        properties = frozenset((item.get("properties") or "").split())
        manifest[item.get("id")] = Entry(item.get("id"), href, path, item.get("media-type", ""), properties)
    spine = [manifest[ref.get("idref")] for ref in opf.iterfind("opf:spine/opf:itemref", NS)]
    return Package(archive, opf, manifest, spine)
