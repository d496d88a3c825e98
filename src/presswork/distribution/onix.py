"""ONIX 3.0 metadata for the ebook and the paperback, the record distributors and stores ingest."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..files.archives import BoundedZip
from ..files.output import UNDATED
from ..load.thema import SUBJECT_SCHEME, THEMA_VERSION, thema_scheme
from ..model import ROLES, Biographies, Book
from ..package.a11y import Claims
from ..package.reader import read_package

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
    """What the built products tell the record: page counts, the EPUB's words and accessibility claims."""

    pages_total: int
    pages_main: int
    claims: Claims
    words: int | None = None  # read from the EPUB itself


@dataclass(frozen=True)
class Profile:
    """What one intake takes. FULL is ONIX 3.0 as EDItEUR writes it; GOOGLE is what Google Play's
    profile (bundled in onixcheck) accepts: ebooks only, E101 without E200, page extents only, and
    subjects as BISAC or BIC, not Thema or keywords."""

    name: str
    forms: tuple[str, ...]
    reflowable: bool
    word_count: bool
    thema: bool
    keywords: bool


FULL = Profile("full", ("ebook", "paperback"), reflowable=True, word_count=True, thema=True, keywords=True)
GOOGLE = Profile("google", ("ebook",), reflowable=False, word_count=False, thema=False, keywords=False)


def epub_words(path: Path) -> int:
    """The ebook's word count as a reader meets it: the text of every document in its reading order."""
    with BoundedZip(path) as archive:
        package = read_package(archive)
        return sum(len(" ".join(package.parse(entry).itertext()).split()) for entry in package.spine)


def record_reference(isbn: str) -> str:
    """Stable across editions of the metadata (title, slug and publisher may change), so an update
    or a deletion replaces the retailer's record instead of adding a second one."""
    return f"presswork:{isbn}"


def onix_record(book: Book, facts: OnixFacts, form: str | None = None, profile: Profile = FULL) -> bytes:
    """An ONIX 3.0 message with one Product record for `form` (ebook or paperback), or for every
    product the profile takes when `form` is None."""
    meta = book.metadata
    isbns = {"ebook": meta.isbn_ebook, "paperback": meta.isbn_paperback}
    root = _message(meta)
    for each in (form,) if form else profile.forms:
        if isbns[each]:
            other = isbns["paperback" if each == "ebook" else "ebook"]
            _product(root, book, facts, each, isbns[each], other, profile)
    return _bytes(root)


def _message(meta) -> etree._Element:
    root = etree.Element(f"{{{NS}}}ONIXMessage", nsmap={None: NS}, release="3.0")
    header = _sub(root, "Header")
    _sub(_sub(header, "Sender"), "SenderName", meta.publisher or meta.authors[0].name)
    _sub(header, "SentDateTime", (meta.date or UNDATED).strftime("%Y%m%d"))
    return root


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def onix_delta(previous: bytes, current: bytes) -> bytes | None:
    """The delta a retailer applies to go from the `previous` message to the `current` one: each
    record that is new or changed, whole (notification 03), and a deletion (05) for each record that
    is gone, matched by RecordReference; None when nothing changed."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    old, new = etree.fromstring(previous, parser), etree.fromstring(current, parser)
    old_records = {_reference(p): etree.tostring(p, method="c14n") for p in old.iterfind(f"{{{NS}}}Product")}
    products = list(new.iterfind(f"{{{NS}}}Product"))
    gone = set(old_records) - {_reference(p) for p in products}
    updates = [p for p in products if old_records.get(_reference(p)) != etree.tostring(p, method="c14n")]
    deletions = [_deletion(p) for p in old.iterfind(f"{{{NS}}}Product") if _reference(p) in gone]
    if not updates and not deletions:
        return None
    root = _copy_header(new)
    root.extend(updates + deletions)
    return _bytes(root)


def _reference(product: etree._Element) -> str:
    return product.findtext(f"{{{NS}}}RecordReference") or ""


def _copy_header(message: etree._Element) -> etree._Element:
    root = etree.Element(f"{{{NS}}}ONIXMessage", nsmap={None: NS}, release="3.0")
    root.append(message.find(f"{{{NS}}}Header"))
    return root


def _deletion(product: etree._Element) -> etree._Element:
    """A deletion keeps the record's reference and identifiers and drops its blocks (ONIX 3.0 allows a
    05 record without them)."""
    kept = {f"{{{NS}}}{tag}" for tag in ("RecordReference", "NotificationType", "ProductIdentifier")}
    for child in list(product):
        if child.tag not in kept:
            product.remove(child)
    product.find(f"{{{NS}}}NotificationType").text = "05"
    return product


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


def _territory(parent: etree._Element, included: tuple[str, ...], excluded: tuple[str, ...] = ()) -> None:
    territory = _sub(parent, "Territory")
    if included == ("WORLD",):
        _sub(territory, "RegionsIncluded", "WORLD")
        if excluded:
            _sub(territory, "CountriesExcluded", " ".join(excluded))
    else:
        _sub(territory, "CountriesIncluded", " ".join(included))


def _product(root, book: Book, facts: OnixFacts, form: str, isbn: str, other: str | None, profile: Profile) -> None:
    meta = book.metadata
    product = _sub(root, "Product")
    _sub(product, "RecordReference", record_reference(isbn))
    _sub(product, "NotificationType", "03")
    _identifiers(product, isbn)
    _descriptive(_sub(product, "DescriptiveDetail"), book, facts, form, other, profile)
    if meta.description:
        collateral = _sub(product, "CollateralDetail")
        text = _sub(collateral, "TextContent")
        _sub(text, "TextType", "03")  # description
        _sub(text, "ContentAudience", "00")
        _sub(text, "Text", meta.description)
    _publishing(_sub(product, "PublishingDetail"), book)
    if other:
        related = _sub(_sub(product, "RelatedMaterial"), "RelatedProduct")
        _sub(related, "ProductRelationCode", "06")  # alternative format
        _sub(related, "ProductRelationCode", "13" if form == "ebook" else "27")  # based on / basis for
        _identifiers(related, other)
    _supply(_sub(product, "ProductSupply"), book, form)


def _descriptive(detail: etree._Element, book: Book, facts: OnixFacts, form: str, other: str | None,
                 profile: Profile) -> None:  # fmt: skip
    meta = book.metadata
    _sub(detail, "ProductComposition", "00")
    if form == "ebook":
        _sub(detail, "ProductForm", "ED")
        _sub(detail, "ProductFormDetail", "E101")  # EPUB
        if profile.reflowable:
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
    bios = person_bios(book)
    for number, person in enumerate(meta.contributors, 1):
        contributor = _sub(detail, "Contributor")
        _sub(contributor, "SequenceNumber", str(number))
        _sub(contributor, "ContributorRole", ROLES[person.role].onix)
        _sub(contributor, "PersonName", person.name)
        _sub(contributor, "PersonNameInverted", person.file_as)
        if bio := person.bio or bios.get(person.name):
            _sub(contributor, "BiographicalNote", bio)
    language = _sub(detail, "Language")
    _sub(language, "LanguageRole", "01")
    _sub(language, "LanguageCode", _iso639_2(meta.language))
    if form == "paperback":
        _extent(detail, "00", facts.pages_main, "03")  # main content page count
    else:
        _extent(detail, "10", facts.pages_total, "03")  # notional number of pages in total
        if other:
            _extent(detail, "08", facts.pages_total, "03")  # pages in the print counterpart
        if profile.word_count and facts.words:
            _extent(detail, "02", facts.words, "02")  # total text length in words
    _subjects(detail, meta, profile)
    audience = _sub(detail, "Audience")
    _sub(audience, "AudienceCodeType", "01")  # ONIX audience codes (list 28)
    _sub(audience, "AudienceCodeValue", meta.retail.audience)


def _extent(detail: etree._Element, kind: str, value: int, unit: str) -> None:
    extent = _sub(detail, "Extent")
    _sub(extent, "ExtentType", kind)
    _sub(extent, "ExtentValue", str(value))
    _sub(extent, "ExtentUnit", unit)


def _subjects(detail: etree._Element, meta, profile: Profile) -> None:
    """Thema first (its first subject code the main one), then BISAC, then the keywords."""
    retail = meta.retail
    codes = [(thema_scheme(c), c, THEMA_VERSION) for c in retail.thema] if profile.thema else []
    codes += [("10", c, None) for c in retail.bisac]
    main = next((c for scheme, c, _ in codes if scheme in (SUBJECT_SCHEME, "10")), None)
    for scheme, code, version in codes:
        subject = _sub(detail, "Subject")
        if code == main:
            _sub(subject, "MainSubject")
        _sub(subject, "SubjectSchemeIdentifier", scheme)
        if version:
            _sub(subject, "SubjectSchemeVersion", version)
        _sub(subject, "SubjectCode", code)
    if profile.keywords and meta.subjects:
        subject = _sub(detail, "Subject")
        _sub(subject, "SubjectSchemeIdentifier", "20")  # keywords
        _sub(subject, "SubjectHeadingText", "; ".join(meta.subjects))


def _publishing(publishing: etree._Element, book: Book) -> None:
    meta = book.metadata
    retail = meta.retail
    if meta.publisher:
        publisher = _sub(publishing, "Publisher")
        _sub(publisher, "PublishingRole", "01")
        _sub(publisher, "PublisherName", meta.publisher)
    if meta.place:
        _sub(publishing, "CityOfPublication", meta.place)
    _sub(publishing, "PublishingStatus", "02" if retail.availability == "10" else "04")  # forthcoming / active
    for role, day in (("01", meta.date), ("02", retail.on_sale)):  # publication, on-sale (sales embargo) date
        if day:
            date = _sub(publishing, "PublishingDate")
            _sub(date, "PublishingDateRole", role)
            _sub(date, "Date", day.strftime("%Y%m%d"))
    rights = _sub(publishing, "SalesRights")
    _sub(rights, "SalesRightsType", "01")  # for sale with exclusive rights
    _territory(rights, retail.territories, retail.excluded)
    if retail.excluded:
        refused = _sub(publishing, "SalesRights")
        _sub(refused, "SalesRightsType", "03")  # not for sale
        _territory(refused, retail.excluded)


def _supply(supply: etree._Element, book: Book, form: str) -> None:
    meta = book.metadata
    retail = meta.retail
    _territory(_sub(supply, "Market"), retail.territories, retail.excluded)
    detail = _sub(supply, "SupplyDetail")
    supplier = _sub(detail, "Supplier")
    _sub(supplier, "SupplierRole", retail.supplier_role)
    _sub(supplier, "SupplierName", retail.supplier or meta.publisher or meta.authors[0].name)
    if form == "paperback" and retail.returns:
        returns = _sub(detail, "ReturnsConditions")
        _sub(returns, "ReturnsCodeType", "04")  # ONIX returns conditions (list 204)
        _sub(returns, "ReturnsCode", retail.returns)
    _sub(detail, "ProductAvailability", retail.availability)
    if retail.on_sale:
        date = _sub(detail, "SupplyDate")
        _sub(date, "SupplyDateRole", "08")  # expected availability date
        _sub(date, "Date", retail.on_sale.strftime("%Y%m%d"))
    prices = meta.prices.get(form, [])
    if not prices:
        _sub(detail, "UnpricedItemType", "03")  # price to be announced
    for each in prices:
        price = _sub(detail, "Price")
        _sub(price, "PriceType", "02" if each.tax_included else "01")  # RRP including / excluding tax
        _sub(price, "PriceAmount", each.amount)
        if each.vat is not None:
            tax = _sub(price, "Tax")
            _sub(tax, "TaxType", "01")  # VAT
            _sub(tax, "TaxRateCode", "Z" if float(each.vat) == 0 else "S")
            _sub(tax, "TaxRatePercent", each.vat)
        _sub(price, "CurrencyCode", each.currency)
        _territory(price, each.territories)


def person_bios(book: Book) -> dict[str, str]:
    """The book's own biographies by every name a person goes by, as plain text, so a contributor who
    is in them needs no second biography in book.yaml."""
    biographies = book.back_item(Biographies)
    found: dict[str, str] = {}
    for person in biographies.people if biographies else []:
        text = " ".join("".join(t.content for t in token.children or () if t.type in ("text", "softbreak"))
                        for token in person.text if token.type == "inline")  # fmt: skip
        names = {" ".join(filter(None, (person.given, person.surname))), *person.forms, *person.aliases}
        found.update({name: " ".join(text.split()) for name in names if text})
    return found


_ISO639_2 = {"en": "eng", "ru": "rus", "de": "ger", "fr": "fre", "uk": "ukr", "pl": "pol", "es": "spa", "it": "ita",
             "be": "bel", "cs": "cze", "hu": "hun", "el": "gre", "he": "heb"}  # fmt: skip


def _iso639_2(lang: str) -> str:
    return _ISO639_2.get(lang.split("-")[0].lower(), "und")
