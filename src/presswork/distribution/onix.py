"""ONIX 3.0 metadata for the ebook and the paperback, the record distributors and stores ingest."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..files.output import UNDATED
from ..model import ROLES, Book
from ..package.a11y import Claims

NS = "http://ns.editeur.org/onix/3.0/reference"
# Accessibility (list 196) every presswork EPUB has: no reading options disabled, navigable table
# of contents, one reading order, language tagging, ARIA roles, landmark navigation.
A11Y_ALWAYS = ("10", "11", "13", "22", "30", "32")
A11Y_CONFORMANCE = ("04", "82", "85")  # EPUB Accessibility 1.1, WCAG 2.2, level AA
A11Y_FEATURES = {"index": "12", "pageNavigation": "19", "alternativeText": "14"}  # index, print page numbers, short descriptions


def a11y_codes(claims: Claims) -> list[str]:
    """The list 196 codes for the EPUB's claims: the record says what the EPUB says, no more."""
    return [*(A11Y_CONFORMANCE if claims.conforms_to else ()), *A11Y_ALWAYS,
            *(A11Y_FEATURES[f] for f in claims.features if f in A11Y_FEATURES)]  # fmt: skip


@dataclass(frozen=True)
class OnixFacts:
    """What the built products tell the record: page counts and the EPUB's accessibility claims."""

    pages_total: int
    pages_main: int
    claims: Claims


def onix_record(book: Book, facts: OnixFacts, prices: dict[str, list[tuple[str, str]]]) -> bytes:
    meta = book.metadata
    root = etree.Element(f"{{{NS}}}ONIXMessage", nsmap={None: NS}, release="3.0")
    header = _sub(root, "Header")
    _sub(_sub(header, "Sender"), "SenderName", meta.publisher or meta.authors[0].name)
    _sub(header, "SentDateTime", (meta.date or UNDATED).strftime("%Y%m%d"))
    if meta.isbn_ebook:
        _product(root, book, facts, "ebook", meta.isbn_ebook, meta.isbn_paperback, prices.get("ebook", []))
    if meta.isbn_paperback:
        _product(root, book, facts, "paperback", meta.isbn_paperback, meta.isbn_ebook, prices.get("paperback", []))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    if text is not None:
        element.text = text
    return element


def _identifiers(parent: etree._Element, isbn: str) -> None:
    for kind in ("15", "03"):  # ISBN-13 and GTIN-13
        ident = _sub(parent, "ProductIdentifier")
        _sub(ident, "ProductIDType", kind)
        _sub(ident, "IDValue", isbn)


def _product(root, book: Book, facts: OnixFacts, form: str, isbn: str, other: str | None, prices) -> None:
    meta = book.metadata
    product = _sub(root, "Product")
    _sub(product, "RecordReference", f"presswork.{meta.slug}.{isbn}")
    _sub(product, "NotificationType", "03")
    _identifiers(product, isbn)
    detail = _sub(product, "DescriptiveDetail")
    _sub(detail, "ProductComposition", "00")
    if form == "ebook":
        _sub(detail, "ProductForm", "ED")
        _sub(detail, "ProductFormDetail", "E101")  # EPUB
        _sub(detail, "ProductFormDetail", "E200")  # reflowable
        for code in a11y_codes(facts.claims):
            feature = _sub(detail, "ProductFormFeature")
            _sub(feature, "ProductFormFeatureType", "09")
            _sub(feature, "ProductFormFeatureValue", code)
        summary = _sub(detail, "ProductFormFeature")
        _sub(summary, "ProductFormFeatureType", "09")
        _sub(summary, "ProductFormFeatureValue", "00")
        _sub(summary, "ProductFormFeatureDescription", facts.claims.summary)
        _sub(detail, "EpubTechnicalProtection", "00")
    else:
        _sub(detail, "ProductForm", "BC")
    if meta.series:
        collection = _sub(detail, "Collection")
        _sub(collection, "CollectionType", "10")
        title = _sub(collection, "TitleDetail")
        _sub(title, "TitleType", "01")
        element = _sub(title, "TitleElement")
        _sub(element, "TitleElementLevel", "02")
        if meta.series_number:
            _sub(element, "PartNumber", meta.series_number)
        _sub(element, "TitleText", meta.series)
    title = _sub(detail, "TitleDetail")
    _sub(title, "TitleType", "01")
    element = _sub(title, "TitleElement")
    _sub(element, "TitleElementLevel", "01")
    _sub(element, "TitleText", meta.title)
    if meta.subtitle:
        _sub(element, "Subtitle", meta.subtitle)
    for number, person in enumerate(meta.contributors, 1):
        contributor = _sub(detail, "Contributor")
        _sub(contributor, "SequenceNumber", str(number))
        _sub(contributor, "ContributorRole", ROLES[person.role].onix)
        _sub(contributor, "PersonName", person.name)
        _sub(contributor, "PersonNameInverted", person.file_as)
    language = _sub(detail, "Language")
    _sub(language, "LanguageRole", "01")
    _sub(language, "LanguageCode", _iso639_2(meta.language))
    extent = _sub(detail, "Extent")
    if form == "paperback":
        _sub(extent, "ExtentType", "00")  # main content page count
        _sub(extent, "ExtentValue", str(facts.pages_main))
    else:
        _sub(extent, "ExtentType", "10")  # notional number of pages in total
        _sub(extent, "ExtentValue", str(facts.pages_total))
    _sub(extent, "ExtentUnit", "03")
    for subject_text in meta.subjects:
        subject = _sub(detail, "Subject")
        _sub(subject, "SubjectSchemeIdentifier", "20")  # keywords
        _sub(subject, "SubjectHeadingText", subject_text)
    if meta.description:
        collateral = _sub(product, "CollateralDetail")
        text = _sub(collateral, "TextContent")
        _sub(text, "TextType", "03")  # description
        _sub(text, "ContentAudience", "00")
        _sub(text, "Text", meta.description)
    publishing = _sub(product, "PublishingDetail")
    if meta.publisher:
        publisher = _sub(publishing, "Publisher")
        _sub(publisher, "PublishingRole", "01")
        _sub(publisher, "PublisherName", meta.publisher)
    if meta.place:
        _sub(publishing, "CityOfPublication", meta.place)
    _sub(publishing, "PublishingStatus", "04")  # active
    if meta.date:
        date = _sub(publishing, "PublishingDate")
        _sub(date, "PublishingDateRole", "01")
        _sub(date, "Date", meta.date.strftime("%Y%m%d"))
    if other:
        related = _sub(_sub(product, "RelatedMaterial"), "RelatedProduct")
        _sub(related, "ProductRelationCode", "06")  # alternative format
        _sub(related, "ProductRelationCode", "13" if form == "ebook" else "27")  # based on / basis for
        _identifiers(related, other)
    if prices:
        supply = _sub(_sub(product, "ProductSupply"), "SupplyDetail")
        supplier = _sub(supply, "Supplier")
        _sub(supplier, "SupplierRole", "01")
        _sub(supplier, "SupplierName", meta.publisher or meta.authors[0].name)
        _sub(supply, "ProductAvailability", "20")
        for amount, currency in prices:
            price = _sub(supply, "Price")
            _sub(price, "PriceType", "02")  # consumer price including tax
            _sub(price, "PriceAmount", amount)
            _sub(price, "CurrencyCode", currency)


_ISO639_2 = {"en": "eng", "ru": "rus", "de": "ger", "fr": "fre", "uk": "ukr", "pl": "pol", "es": "spa", "it": "ita",
             "be": "bel", "cs": "cze", "hu": "hun", "el": "gre", "he": "heb"}  # fmt: skip


def _iso639_2(lang: str) -> str:
    return _ISO639_2.get(lang.split("-")[0].lower(), "und")
