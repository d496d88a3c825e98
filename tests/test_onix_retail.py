"""Retail metadata in book.yaml → ONIX a retailer's intake takes: each field where ONIX puts it, the
records checked by onixcheck (the 3.0 schema and Google's profile), and deltas."""

from __future__ import annotations

import io
from pathlib import Path

import onixcheck
import pytest
from conftest import BOOK_YAML, ROOT
from lxml import etree

from presswork.distribution.onix import GOOGLE, OnixFacts, onix_delta, onix_record, record_reference
from presswork.errors import PressworkError
from presswork.load.book import load_book
from presswork.package.a11y import book_claims

O = {"o": "http://ns.editeur.org/onix/3.0/reference"}


def record(root: Path, form: str | None = None, profile=None, words: int | None = 41_000) -> bytes:
    book = load_book(root)
    facts = OnixFacts(212, 200, book_claims(book, page_list=True), words)
    return onix_record(book, facts, form, profile) if profile else onix_record(book, facts, form)


def check(data: bytes, *schemas: str) -> list:
    stream = io.BytesIO(data)
    stream.name = "onix.xml"
    return onixcheck.validate(stream, schemas=schemas)


def xp(data: bytes, path: str) -> list[str]:
    return etree.fromstring(data).xpath(path, namespaces=O)


@pytest.fixture(scope="module")
def sample() -> bytes:
    return record(ROOT)


def test_sample_records_pass_the_schema_and_the_google_profile(sample: bytes):
    assert check(sample, "xsd") == []
    google = record(ROOT, "ebook", GOOGLE)
    assert check(google, "xsd", "google") == []
    assert xp(google, "//o:ProductForm/text()") == ["ED"]


def test_google_profile_rejects_a_record_missing_supply(sample: bytes):
    root = etree.fromstring(record(ROOT, "ebook", GOOGLE))
    for supply in root.iterfind(".//o:ProductSupply", O):
        supply.getparent().remove(supply)
    errors = check(etree.tostring(root), "google")
    assert any("ProductSupply" in e.message for e in errors)


def test_one_record_a_product_with_a_stable_reference():
    ebook, paperback = record(ROOT, "ebook"), record(ROOT, "paperback")
    assert xp(ebook, "//o:Product/o:RecordReference/text()") == [record_reference("9780000000002")]
    assert xp(paperback, "//o:Product/o:RecordReference/text()") == [record_reference("9780000000019")]


def test_retail_fields_land_where_onix_puts_them(sample: bytes):
    ebook = "//o:Product[o:RecordReference='presswork:9780000000002']"
    paper = "//o:Product[o:RecordReference='presswork:9780000000019']"
    assert xp(sample, f"{ebook}//o:SalesRights[o:SalesRightsType='01']/o:Territory/o:RegionsIncluded/text()") == ["WORLD"]
    assert xp(sample, f"{ebook}//o:Subject[o:SubjectSchemeIdentifier='93']/o:SubjectCode/text()") == ["KNTP1", "AKD", "NHB"]
    assert xp(sample, f"{ebook}//o:Subject[o:MainSubject]/o:SubjectCode/text()") == ["KNTP1"]
    assert xp(sample, f"{ebook}//o:Subject[o:SubjectSchemeIdentifier='10']/o:SubjectCode/text()") == ["LAN027000"]
    assert xp(sample, f"{ebook}//o:Audience/o:AudienceCodeValue/text()") == ["01"]
    assert xp(sample, f"{ebook}//o:Extent[o:ExtentType='02']/o:ExtentValue/text()") == ["41000"]
    assert xp(sample, f"{paper}//o:Extent[o:ExtentType='00']/o:ExtentValue/text()") == ["200"]
    assert xp(sample, f"{ebook}//o:Collection//o:TitleText/text()") == ["Presswork Samples"]
    bio = xp(sample, f"{ebook}//o:Contributor[o:PersonName='Ada Quill']/o:BiographicalNote/text()")
    assert bio and bio[0].startswith("Ada Quill worked")
    supply = f"{ebook}/o:ProductSupply"
    assert xp(sample, f"{supply}/o:SupplyDetail/o:Supplier/o:SupplierName/text()") == ["Presswork Editions"]
    assert xp(sample, f"{supply}/o:SupplyDetail/o:ProductAvailability/text()") == ["20"]
    assert xp(sample, f"{supply}/o:SupplyDetail/o:SupplyDate/o:Date/text()") == ["20261101"]
    euro = xp(sample, f"{supply}//o:Price[o:CurrencyCode='EUR']/o:Territory/o:CountriesIncluded/text()")
    assert euro == ["DE FR IE"]
    assert xp(sample, f"{supply}//o:Price[o:CurrencyCode='EUR']/o:Tax/o:TaxRatePercent/text()") == ["7"]
    assert xp(sample, f"{supply}//o:Price[o:CurrencyCode='USD']/o:PriceType/text()") == ["01"]  # before sales tax
    assert xp(sample, f"{paper}//o:ReturnsConditions/o:ReturnsCode/text()") == ["03"]
    assert xp(sample, f"{ebook}//o:RelatedProduct/o:ProductIdentifier[o:ProductIDType='15']/o:IDValue/text()") == ["9780000000019"]


def test_a_biography_in_the_book_becomes_the_contributors_note(small_book):
    bios = "title: Notes\npeople:\n  - surname: Writer\n    given: Test\n    text: A printer of *Bristol*.\n"
    yaml = BOOK_YAML.replace("    - chapters/one.md\n", "    - chapters/one.md\n  back:\n    - back/biographies.yaml\n")
    book = load_book(small_book({"manuscript/book.yaml": yaml, "manuscript/back/biographies.yaml": bios}))
    data = onix_record(book, OnixFacts(10, 8, book_claims(book, page_list=False)), "ebook")
    assert xp(data, "//o:Contributor[o:PersonName='Test Writer']/o:BiographicalNote/text()") == ["A printer of Bristol."]


@pytest.mark.parametrize(("retail", "message"), [
    ("retail: {thema: [KNTP1, KNZZ9]}", "'KNZZ9' is not a Thema 1.2 code"),
    ("retail: {bisac: [LAN27]}", "BISAC code"),
    ("retail: {audience: everyone}", "audience 'everyone'"),
    ("retail: {sales_rights: {include: [GBR]}}", "two-letter country code"),
    ("retail: {supply: {on_sale: soon}}", "not a date"),
    ("retail: {shelf: top}", "unknown key 'shelf' in retail"),
    ("prices: {ebook: ['9.99 EUR']}", "needs the territory"),
    ("prices: {ebook: [{price: '9.99 USD', vat: 20}]}", "vat"),
])  # fmt: skip
def test_a_wrong_retail_field_is_an_error_at_its_line(small_book, retail, message):
    root = small_book({"manuscript/book.yaml": BOOK_YAML + "\n" + retail + "\n"})
    with pytest.raises(PressworkError) as caught:
        load_book(root)
    assert message in str(caught.value)
    assert caught.value.where.line == len(BOOK_YAML.splitlines()) + 2


def test_a_delta_holds_changed_records_and_deletes_removed_ones(sample: bytes):
    assert onix_delta(sample, sample) is None
    root = etree.fromstring(sample)
    paperback = root.find("o:Product[o:RecordReference='presswork:9780000000019']", O)
    root.remove(paperback)
    changed = etree.tostring(root).replace(b"<PriceAmount>9.99</PriceAmount>", b"<PriceAmount>7.99</PriceAmount>")
    delta = onix_delta(sample, changed)
    assert xp(delta, "//o:Product/o:NotificationType/text()") == ["03", "05"]
    assert xp(delta, "//o:Product[o:NotificationType='05']/o:RecordReference/text()") == ["presswork:9780000000019"]
    assert check(delta, "xsd") == []
