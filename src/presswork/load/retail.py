"""book.yaml's `retail:` and `prices:` → Retail and Price: what a retailer's intake needs to put the
book on sale (where, from whom, when, at what price, under which subjects), each checked at its line."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import Location, PressworkError
from ..model import Price, Retail
from .sources import BOOK_YAML
from .thema import THEMA_VERSION, thema_headings
from .yamlfile import LineDict, line_of, text, texts

RETAIL_KEYS = {"thema", "bisac", "audience", "sales_rights", "supply"}
AUDIENCES = {"general": "01", "children": "02", "teenage": "03", "school": "04", "tertiary": "05",
             "professional": "06", "adult-education": "08"}  # fmt: skip  # ONIX list 28
SUPPLIER_ROLES = {"publisher": "01", "exclusive-distributor": "02", "distributor": "03"}  # ONIX list 93
AVAILABILITY = {"available": "20", "forthcoming": "10", "print-on-demand": "23", "out-of-stock": "31"}  # list 65
RETURNS = {"sale-or-return": "03", "firm-sale": "02", "consignment": "01"}  # ONIX list 204
COUNTRY = re.compile(r"[A-Z]{2}")
BISAC = re.compile(r"[A-Z]{3}\d{6}")
# Where a currency is spent in one country, a price in it holds there unless book.yaml says otherwise.
CURRENCY_HOME = {"GBP": "GB", "USD": "US", "CAD": "CA", "AUD": "AU", "NZD": "NZ", "JPY": "JP", "CHF": "CH",
                 "SEK": "SE", "NOK": "NO", "DKK": "DK", "PLN": "PL", "CZK": "CZ", "HUF": "HU", "INR": "IN"}  # fmt: skip
TAX_EXCLUDED = {"USD", "CAD"}  # North American shelf prices are quoted before sales tax
PRICE = re.compile(r"\s*(\d+(?:\.\d{1,2})?)\s+([A-Z]{3})\s*")
PRICE_KEYS = {"price", "territory", "tax", "vat"}


def parse_retail(value: Any, where: Location) -> Retail:
    """`retail:` as a Retail; absent means sold worldwide by the publisher, available now."""
    retail = Retail()
    if value is None:
        return retail
    if not isinstance(value, LineDict):
        raise PressworkError("'retail' must be a mapping", where, "write `retail: {thema: [KNTP1], audience: general}`")

    def at(key: str, found: Any = None, within: LineDict = value) -> Location:
        return Location(BOOK_YAML, line_of(found, within.line_of(key)))

    for key in value:
        if key not in RETAIL_KEYS:
            raise PressworkError(f"unknown key {key!r} in retail", at(key), "use " + ", ".join(sorted(RETAIL_KEYS)))
    retail.thema = _thema(value.get("thema"), at("thema"))
    retail.bisac = texts(value.get("bisac"), "bisac", at("bisac"))
    for code in retail.bisac:
        if not BISAC.fullmatch(code):
            raise PressworkError(f"BISAC code {code!r} is not three letters and six digits", at("bisac"), "e.g. LAN027000")
    retail.audience = _choice(value, "audience", AUDIENCES, at, retail.audience)
    if (rights := value.get("sales_rights")) is not None:
        if not isinstance(rights, LineDict) or set(rights) - {"include", "exclude"}:
            raise PressworkError("'sales_rights' takes include and exclude", at("sales_rights"),
                                 "write `sales_rights: {include: WORLD, exclude: [US]}` or `{include: [GB, IE]}`")  # fmt: skip
        retail.territories = _territories(rights.get("include", "WORLD"), at("include", within=rights))
        retail.excluded = tuple(_territories(rights.get("exclude"), at("exclude", within=rights), world=False))
        if retail.excluded and retail.territories != ("WORLD",):
            raise PressworkError("exclude is for taking countries out of WORLD", at("exclude", within=rights),
                                 "list only the countries in include")  # fmt: skip
    if (supply := value.get("supply")) is not None:
        _supply(supply, at("supply"), retail)
    return retail


def _supply(supply: Any, where: Location, retail: Retail) -> None:
    keys = {"supplier", "role", "availability", "on_sale", "returns"}
    if not isinstance(supply, LineDict) or set(supply) - keys:
        raise PressworkError("'supply' takes " + ", ".join(sorted(keys)), where,
                             "write `supply: {supplier: …, role: distributor, availability: available}`")  # fmt: skip

    def at(key: str, found: Any = None) -> Location:
        return Location(BOOK_YAML, line_of(found, supply.line_of(key)))

    retail.supplier = text(supply.get("supplier"), "supplier", at("supplier"))
    retail.supplier_role = _choice(supply, "role", SUPPLIER_ROLES, at, retail.supplier_role)
    retail.availability = _choice(supply, "availability", AVAILABILITY, at, retail.availability)
    retail.returns = _choice(supply, "returns", RETURNS, at, None)
    on_sale = supply.get("on_sale")
    if on_sale is not None:
        if not isinstance(on_sale, dt.date):
            raise PressworkError(f"on_sale {on_sale!r} is not a date", at("on_sale"), "write YYYY-MM-DD")
        retail.on_sale = on_sale


def _choice(data: LineDict, key: str, table: dict[str, str], at: Any, default: str | None) -> str | None:
    found = text(data.get(key), key, at(key))
    if found is None:
        return default
    if found not in table:
        raise PressworkError(f"{key} {found!r} is not one presswork knows", at(key), "use one of " + ", ".join(table))
    return table[found]


def _thema(value: Any, where: Location) -> list[str]:
    codes = texts(value, "thema", where)
    known = thema_headings()
    raw = value if isinstance(value, list) else [value] if value is not None else []
    for code, item in zip(codes, raw, strict=True):
        if code not in known:
            loc = Location(BOOK_YAML, line_of(item, where.line))
            near = sorted(c for c in known if c.startswith(code[:-1]))[:4] if len(code) > 1 else []
            raise PressworkError(f"{code!r} is not a Thema {THEMA_VERSION} code", loc,
                                 f"near codes: {', '.join(f'{c} {known[c]}' for c in near)}" if near else
                                 "look the subject up in EDItEUR's Thema browser")  # fmt: skip
    return codes


def _territories(value: Any, where: Location, world: bool = True) -> tuple[str, ...]:
    found = tuple(texts(value, "territory", where))
    if world and found == ("WORLD",):
        return found
    for code in found:
        if not COUNTRY.fullmatch(code):
            raise PressworkError(f"territory {code!r} is not a two-letter country code", where,
                                 "write ISO 3166-1 codes such as GB, US, DE" + (", or WORLD" if world else ""))  # fmt: skip
    return found


def parse_prices(value: Any, where: Location) -> dict[str, list[Price]]:
    """prices: {ebook: ["9.99 GBP", {price: "11.99 EUR", territory: [DE, AT], vat: 7}], paperback: […]}"""
    if value is None:
        return {}
    hint = 'write `prices: {ebook: ["9.99 GBP"], paperback: ["14.99 GBP"]}`'
    if not isinstance(value, dict):
        raise PressworkError("'prices' must map ebook and paperback to lists of prices", where, hint)
    prices: dict[str, list[Price]] = {}
    for form, items in value.items():
        at = Location(BOOK_YAML, value.line_of(form))
        if form not in ("ebook", "paperback"):
            raise PressworkError(f"prices for {form!r}: use ebook or paperback with a list", at, hint)
        if not isinstance(items, list):
            raise PressworkError(f"prices for {form} must be a list", at, hint)
        prices[form] = [_price(item, Location(BOOK_YAML, line_of(item, at.line)), hint) for item in items]
    return prices


def _price(item: Any, where: Location, hint: str) -> Price:
    details = item if isinstance(item, LineDict) else LineDict(price=item)
    if set(details) - PRICE_KEYS:
        raise PressworkError("a price takes " + ", ".join(sorted(PRICE_KEYS)), where, hint)
    written = text(details.get("price"), "price", where, hint) or ""
    match = PRICE.fullmatch(written)
    if not match:
        raise PressworkError(f"price {written!r} is not an amount and a currency code", where, hint)
    amount, currency = match.groups()
    territories = _territories(details.get("territory", CURRENCY_HOME.get(currency)), where)
    if not territories:
        raise PressworkError(f"a price in {currency} needs the territory it holds in", where,
                             f'write `{{price: "{written}", territory: [DE, AT]}}`')  # fmt: skip
    tax = text(details.get("tax"), "tax", where) or ("excluded" if currency in TAX_EXCLUDED else "included")
    if tax not in ("included", "excluded"):
        raise PressworkError(f"tax {tax!r}: write included or excluded", where)
    vat = text(details.get("vat"), "vat", where)
    if vat is not None and (tax == "excluded" or not re.fullmatch(r"\d{1,2}(\.\d{1,2})?", vat)):
        raise PressworkError(f"vat {vat!r}: the rate in percent, for a price that includes it", where, "write vat: 20")
    return Price(amount, currency, territories, tax == "included", vat)
