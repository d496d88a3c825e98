"""SVG figures, checked before anything draws them: nothing that runs, nothing fetched from outside
the file, and a budget on what a renderer would draw (a few KB of nested <use> can ask for billions)."""

from __future__ import annotations

import base64
import binascii
import io
import math
import re
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote_to_bytes

import cssselect2
import tinycss2
from lxml import etree
from PIL import Image

from ..errors import Location, PressworkError

# Bounds no real drawing comes near (a detailed map or an Inkscape/Illustrator export has a few
# thousand elements, groups a dozen deep); past them a renderer works for minutes or runs out of memory.
MAX_SVG_BYTES = 50 * 2**20
MAX_SVG_ELEMENTS = 100_000  # elements in the file
MAX_SVG_DRAWN = 200_000  # elements drawn: each <use>, pattern, mask, clip path and marker expanded where it is used
MAX_SVG_DEPTH = 100  # nesting, counted through those references as well
MAX_SVG_SIZE = 100_000  # width or height in CSS pixels (about 26 m)
MAX_SVG_COORDINATE = 1e9  # a viewBox number

SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
_DAMAGED_HINT = "export it again as SVG, PNG or JPEG"
_BUDGET_HINT = "simplify the drawing, or export it as PNG"
_OUTSIDE_HINT = "embed the image in the drawing, or export it again as plain SVG"

# What lets an SVG run script when it is opened on its own (the web edition's images/ on the
# publisher's site; a page's <img> runs none): script, documents embedded in it (an iframe's
# srcdoc), event-handler attributes, javascript: URLs in any attribute (an <animate> can set an
# href to one; browsers drop tabs and newlines from a URL, so those are dropped before looking),
# and an xml-stylesheet instruction (an XSLT stylesheet can write a script).
_SCRIPT_ELEMENTS = frozenset({"script", "iframe", "frame", "object", "embed"})
_URL_IGNORED = re.compile("[\x00-\x20]+")

# Attributes whose value is a URL a reader may fetch (SVG's href, and HTML's inside a <foreignObject>).
_URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "poster", "data", "action", "formaction", "background", "codebase",
                             "cite", "longdesc", "lowsrc", "dynsrc", "archive", "classid", "manifest", "icon", "ping", "usemap"})  # fmt: skip
_ANIMATIONS = frozenset({"animate", "set", "animateMotion", "animateTransform", "animateColor"})
_CSS_URL_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"})
# Embedded data a reader shows without fetching anything: raster images and fonts. An embedded SVG
# would be a second drawing none of these checks has read.
_DATA_TYPES = re.compile(r"data:(image/(png|jpeg|jpg|gif|webp)|font/[\w.+-]+|application/(x-)?font-[\w.+-]+)[;,]", re.I)
_WEB_LINK = re.compile(r"(https?:|mailto:)", re.I)  # where an <a> may lead: followed on a click, never fetched

# Elements that draw (or take over) what their href names, and properties that draw what url(#id) names.
_DRAWING_HREF = frozenset({"use", "feImage", "pattern", "linearGradient", "radialGradient", "filter"})
_GRADIENTS = frozenset({"linearGradient", "radialGradient"})  # one paint where used: their stops are colours, not shapes
_DRAWING_PROPERTIES = frozenset({"fill", "stroke", "mask", "clip-path", "filter", "marker", "marker-start", "marker-mid", "marker-end"})  # fmt: skip
_PLAIN_CSS = re.compile(r"[\\'\"]|/\*|(src|image|image-set|cross-fade)\s*\(", re.I)  # what needs the CSS parser
_PLAIN_URL = re.compile(r"url\(\s*([^)\s]*)", re.I)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_LENGTH = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(px|pt|pc|mm|cm|in|q|em|ex|rem)?\s*$", re.I)
_PIXELS = {"px": 1, "pt": 4 / 3, "pc": 16, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96, "q": 96 / 101.6, "em": 16, "ex": 8, "rem": 16}


def require_svg(path: Path, name: Path, where: Location, what: str, max_pixels: int) -> None:
    """The SVG at `path` (shown as `name`) is a well-formed <svg> that runs nothing, refers to nothing
    outside itself, and draws a bounded amount; `max_pixels` bounds the raster images it embeds."""
    figure = f"{what} {name}"
    svg = _parse(path, figure, where)
    found = ["xml-stylesheet instruction"] if svg.xpath("//processing-instruction('xml-stylesheet')") else []
    found += filter(None, map(_script_in, svg.getroot().iter(etree.Element)))
    if found:
        raise PressworkError(f"{figure} can run script ({found[0]}) when opened on its own", where,
                             "remove that from the drawing (export it as plain SVG), or use a PNG")  # fmt: skip
    for reference, place in _references(svg):
        if problem := _outside(reference, place, max_pixels):
            raise PressworkError(f"{figure} {problem}", where, _OUTSIDE_HINT)
    _require_sane_size(svg.getroot(), figure, where)
    _Budget(svg.getroot(), figure, where).measure(svg.getroot(), 0)


def _parse(path: Path, figure: str, where: Location) -> etree._ElementTree:
    """The parsed file, read in chunks and counted as it is read, so a file of millions of elements
    is refused before it is built. Internal entities are expanded as a browser expands them (one
    could hold a <script> or a thousand elements); external ones are not read."""
    if path.stat().st_size > MAX_SVG_BYTES:
        raise PressworkError(f"{figure} is more than {MAX_SVG_BYTES // 2**20} MB", where, _BUDGET_HINT)
    parser = etree.XMLPullParser(events=("start", "end"), resolve_entities="internal", no_network=True, load_dtd=False)
    elements = depth = 0
    try:
        with path.open("rb") as file:
            while chunk := file.read(2**16):
                parser.feed(chunk)
                for event, element in parser.read_events():
                    if not isinstance(element.tag, str):
                        continue
                    depth += 1 if event == "start" else -1
                    elements += event == "start"
                    if elements > MAX_SVG_ELEMENTS:
                        raise PressworkError(f"{figure} has more than {MAX_SVG_ELEMENTS:,} elements", where, _BUDGET_HINT)
                    if depth > MAX_SVG_DEPTH:
                        raise PressworkError(f"{figure} nests elements more than {MAX_SVG_DEPTH} deep", where, _BUDGET_HINT)
        root = parser.close()
    except etree.XMLSyntaxError:
        root = None
    if root is None or root.tag != SVG_ROOT:
        raise PressworkError(f"{figure} is not an image, or is damaged", where, _DAMAGED_HINT)
    return root.getroottree()


def _script_in(element: etree._Element) -> str | None:
    """What in the element can run script, for the error, or None."""
    name = etree.QName(element).localname
    if name.lower() in _SCRIPT_ELEMENTS:
        return f"<{name}> element"
    for attribute, value in element.attrib.items():
        if (local := etree.QName(attribute).localname).lower().startswith("on"):
            return f"{local} attribute"
        if "javascript:" in _URL_IGNORED.sub("", value).lower():
            return "javascript: link"
    return None


def _references(svg: etree._ElementTree) -> Iterator[tuple[str | None, str]]:
    """Every URL in the drawing a reader could follow, with where it stands; None for what refers
    outside whatever its value (an external entity, xml:base, @import)."""
    entities = svg.docinfo.internalDTD.iterentities() if svg.docinfo.internalDTD is not None else ()
    yield from ((None, f"the entity {entity.name}") for entity in entities if entity.system_url)
    for element in svg.getroot().iter(etree.Element):
        name = etree.QName(element).localname
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            place = f"<{name} {local}>"
            if attribute == "{http://www.w3.org/XML/1998/namespace}base":
                yield None, place
            elif local.lower() in _URL_ATTRIBUTES:
                if name != "a" or not _WEB_LINK.match(value.strip()):
                    yield _URL_IGNORED.sub("", value), place
            elif "(" in value or "\\" in value:
                yield from ((url, place) for _, url in _css_references(value, local == "style"))
        if name in _ANIMATIONS and etree.QName(element.get("attributeName", "x")).localname.lower() in _URL_ATTRIBUTES:
            for key in ("values", "from", "to", "by"):
                yield from ((part, f"<{name} {key}>") for part in element.get(key, "").split(";") if part.strip())
        if name == "style" and element.text:
            for rule in tinycss2.parse_stylesheet(element.text):
                if rule.type == "at-rule" and rule.lower_at_keyword == "import":
                    yield None, "<style> @import"
                if rule.type in ("at-rule", "qualified-rule"):
                    yield from ((url, "<style>") for url in _css_urls([*rule.prelude, *(rule.content or ())]))


def _css_urls(tokens: list) -> Iterator[str]:
    """The URLs CSS tokens name: url(…) and the functions that take a URL as a string."""
    for token in tokens:
        if token.type == "url":
            yield _URL_IGNORED.sub("", token.value)
        elif token.type == "function":
            if token.lower_name in _CSS_URL_FUNCTIONS:
                yield from (_URL_IGNORED.sub("", arg.value) for arg in token.arguments if arg.type == "string")
            yield from _css_urls(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            yield from _css_urls(token.content)


def _outside(url: str | None, place: str, max_pixels: int) -> str | None:
    """Why `url` (at `place`) may not ship, or None: it names something outside the drawing, or
    embeds a raster image bigger than any figure needs."""
    if url is None:
        return f"refers to something outside itself ({place})"
    if not url or url.startswith("#"):
        return None
    if not url.lower().startswith("data:"):
        return f"refers to {url[:80]!r} outside itself ({place})"
    if not (kind := _DATA_TYPES.match(url)):
        return f"embeds data that is not a PNG, JPEG, GIF or WebP image or a font ({place})"
    if kind.group(2):
        header, _, payload = url.partition(",")
        try:
            data = base64.b64decode(payload) if header.lower().endswith(";base64") else unquote_to_bytes(payload)
            with warnings.catch_warnings():  # the bound below replaces Pillow's bomb warning
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as image:
                    pixels = image.width * image.height
        except Image.DecompressionBombError:  # over twice Pillow's own bound
            pixels = max_pixels + 1
        except (binascii.Error, ValueError, OSError):
            return f"embeds an image that is damaged ({place})"
        if pixels > max_pixels:
            return f"embeds an image of more than {max_pixels // 10**6} million pixels ({place})"
    return None


def _require_sane_size(root: etree._Element, figure: str, where: Location) -> None:
    """The drawing's width and height, and every viewBox, are finite numbers of a sane size: a huge
    size or an overflowing coordinate is no figure, and gives a renderer infinities to lay out."""
    for key in ("width", "height"):
        if (match := _LENGTH.match(root.get(key, ""))) and not float(match[1]) * _PIXELS[(match[2] or "px").lower()] <= MAX_SVG_SIZE:
            raise PressworkError(f"{figure} is {root.get(key).strip()} {'wide' if key == 'width' else 'high'}, more than "
                                 f"{MAX_SVG_SIZE:,} pixels", where, "give the drawing its real size")  # fmt: skip
    for element in root.iter(etree.Element):
        if "viewBox" in element.attrib:
            numbers = [float(number) for number in _NUMBER.findall(element.get("viewBox"))]
            if not all(math.isfinite(number) and abs(number) <= MAX_SVG_COORDINATE for number in numbers):
                raise PressworkError(f"{figure} has a viewBox beyond ±{MAX_SVG_COORDINATE:.0e} ({element.get('viewBox')[:60]})",
                                     where, "export the drawing again with its real size")  # fmt: skip


class _Budget:
    """Counts what a renderer would draw: an element, its children, and what it draws by reference
    (a <use>'s target, a pattern, mask, clip path or filter, a marker at each vertex), each counted
    where it is used. Memoised, so counting costs one visit an element even when it stands for billions."""

    def __init__(self, root: etree._Element, figure: str, where: Location) -> None:
        self.figure, self.where = figure, where
        self.ids: dict[str, list[etree._Element]] = {}  # all the elements of an id: which one a reader takes varies
        for element in root.iter(etree.Element):
            if (ident := element.get("id")) is not None:
                self.ids.setdefault(ident, []).append(element)
        self.styled = _styled_references(root)
        self.measured: dict[etree._Element, tuple[int, int]] = {}  # element: (drawn, height)
        self.open: set[etree._Element] = set()

    def measure(self, element: etree._Element, depth: int) -> tuple[int, int]:
        """How many elements `element` draws, and how deep they nest, standing `depth` deep."""
        if element in self.open:
            raise PressworkError(f"{self.figure} draws itself: #{element.get('id')} refers back to itself", self.where,
                                 "remove the reference loop (a <use>, pattern or marker inside what it names)")  # fmt: skip
        drawn, height = self.measured.get(element) or self._count(element, depth)
        if depth + height > MAX_SVG_DEPTH:
            raise PressworkError(f"{self.figure} nests elements more than {MAX_SVG_DEPTH} deep (counting what <use> and "
                                 "other references draw)", self.where, _BUDGET_HINT)  # fmt: skip
        return drawn, height

    def _count(self, element: etree._Element, depth: int) -> tuple[int, int]:
        if depth >= MAX_SVG_DEPTH:  # refused by measure(); stops the recursion before Python's own limit
            return 1, 1
        self.open.add(element)
        drawn = height = 1
        parts = [(child, 1, False) for child in element.iterchildren(etree.Element)]
        for target, times, by_reference in parts + [(target, times, True) for target, times in self._referenced(element)]:
            target_drawn, target_height = self.measure(target, depth + 1)
            paint = by_reference and etree.QName(target).localname in _GRADIENTS
            drawn += (1 if paint else target_drawn) * times
            height = max(height, target_height + 1)
            if drawn > MAX_SVG_DRAWN:
                raise PressworkError(f"{self.figure} would draw more than {MAX_SVG_DRAWN:,} elements (its <use> and other "
                                     "references multiply them)", self.where, _BUDGET_HINT)  # fmt: skip
        self.open.discard(element)
        self.measured[element] = drawn, height
        return drawn, height

    def _referenced(self, element: etree._Element) -> Iterator[tuple[etree._Element, int]]:
        """The elements `element` draws by reference, each with how many times."""
        name = etree.QName(element).localname
        references = list(self.styled.get(element, ()))
        if name in _DRAWING_HREF:
            href = element.get("href", element.get("{http://www.w3.org/1999/xlink}href", ""))
            references.append(("href", href.strip()))
        for attribute, value in element.attrib.items():
            if attribute == "style":
                references += (pair for pair in _css_references(value, True) if pair[0] in _DRAWING_PROPERTIES)
            elif attribute in _DRAWING_PROPERTIES:
                references += ((attribute, url) for _, url in _css_references(value, False))
        for prop, url in references:
            for target in self.ids.get(url[1:], ()) if url.startswith("#") else ():
                yield target, _vertices(element) if prop.startswith("marker") else 1


@lru_cache(maxsize=4096)
def _css_references(css: str, declarations: bool) -> tuple[tuple[str, str], ...]:
    """(property, URL) for each URL in a style attribute's declarations, or ("", URL) in any CSS value.
    Editors repeat the same style on thousands of elements, and most are plain: with no escape,
    comment, string or URL-taking function but url(), a regex reads them as the CSS parser would."""
    if not _PLAIN_CSS.search(css):
        pairs = [declaration.partition(":")[::2] for declaration in css.split(";")] if declarations else [("", css)]
        return tuple((name.strip().lower(), _URL_IGNORED.sub("", url)) for name, value in pairs for url in _PLAIN_URL.findall(value))
    tokens = _declared(css) if declarations else [("", tinycss2.parse_component_value_list(css))]
    return tuple((name, url) for name, value in tokens for url in _css_urls(value))


def _declared(css: str | list) -> list[tuple[str, list]]:
    """(property, value tokens) for each declaration in a style attribute or a rule's content."""
    return [(d.lower_name, d.value) for d in tinycss2.parse_blocks_contents(css) if d.type == "declaration"]


def _url_properties(pairs: list[tuple[str, list]]) -> list[tuple[str, str]]:
    """(property, url) for each url(…) a drawing property names."""
    return [(name, url) for name, tokens in pairs if name in _DRAWING_PROPERTIES for url in _css_urls(tokens)]


def _styled_references(root: etree._Element) -> dict[etree._Element, list[tuple[str, str]]]:
    """The url(#…) drawing properties each element takes from the drawing's <style> sheets, matched
    as a renderer matches them (an Illustrator export puts its gradients and clip paths there)."""
    matcher, any_rule = cssselect2.Matcher(), False
    for style in root.iter("{http://www.w3.org/2000/svg}style"):
        for rule in tinycss2.parse_stylesheet(style.text or "", skip_comments=True, skip_whitespace=True):
            if rule.type == "qualified-rule" and (found := _url_properties(_declared(rule.content))):
                try:
                    selectors = cssselect2.compile_selector_list(rule.prelude)
                except cssselect2.SelectorError:
                    continue
                for selector in selectors:
                    matcher.add_selector(selector, found)
                    any_rule = True
    styled: dict[etree._Element, list[tuple[str, str]]] = {}
    if any_rule:
        for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
            if matches := matcher.match(wrapper):
                styled[wrapper.etree_element] = [pair for match in matches for pair in match[3]]
    return styled


def _vertices(element: etree._Element) -> int:
    """At most how many vertices a marker is drawn at: one for each pair of numbers in the shape."""
    return max(1, len(_NUMBER.findall(element.get("d", "") + " " + element.get("points", ""))) // 2)
