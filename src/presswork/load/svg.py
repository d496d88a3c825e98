"""SVG figures, checked before anything draws them: nothing that runs, nothing fetched from outside
the file, and a budget on what a renderer would draw (a few KB of nested <use> can ask for billions)."""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote, unquote, unquote_to_bytes
from xml.parsers import expat

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
# Characters of text drawn, expanded the same way: WeasyPrint lays out and places each glyph on its
# own (about 70 µs each, so the bound is about 3.5 s); a map's labels or a diagram's captions are a few thousand.
MAX_SVG_GLYPHS = 50_000
MAX_SVG_DEPTH = 100  # nesting, counted through those references as well
MAX_SVG_SIZE = 100_000  # width or height in CSS pixels (about 26 m)
MAX_SVG_COORDINATE = 1e9  # a viewBox number
MAX_CSS_NESTING = 32  # blocks and functions within each other in the drawing's CSS (a real sheet nests a few)
MAX_CSS_SELECTOR = 100  # tokens in one selector: cssselect2 compiles it to nested Python, which overflows near 150

SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
_DAMAGED_HINT = "export it again as SVG, PNG or JPEG"
_BUDGET_HINT = "simplify the drawing, or export it as PNG"
_DOCTYPE_HINT = "remove the DOCTYPE (an SVG needs none), or export the drawing again as plain SVG"
_OUTSIDE_HINT = "embed the image in the drawing, or export it again as plain SVG"

# What lets an SVG run script when it is opened on its own (the web edition's images/ on the
# publisher's site; a page's <img> runs none): script, documents embedded in it (an iframe's
# srcdoc), event-handler attributes, javascript: URLs in any attribute (an <animate> can set an
# href to one; browsers drop tabs and newlines from a URL, so those are dropped before looking),
# and an xml-stylesheet instruction (an XSLT stylesheet can write a script).
_SCRIPT_ELEMENTS = frozenset({"script", "iframe", "frame", "object", "embed"})
_URL_IGNORED = re.compile("[\x00-\x20]+")

# Attributes whose value is a URL a reader may fetch (SVG's href, and HTML's inside a <foreignObject>).
_URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "imagesrcset", "poster", "data", "action", "formaction", "background",
                             "codebase", "cite", "longdesc", "lowsrc", "dynsrc", "archive", "classid", "manifest", "icon", "ping",
                             "usemap"})  # fmt: skip
_SRCSETS = frozenset({"srcset", "imagesrcset"})  # a URL in each comma-separated candidate; a ping, in each word
_SRCSET_URL = re.compile(r"[\s,]*([^\s,]\S*)")
_ANIMATIONS = frozenset({"animate", "set", "animateMotion", "animateTransform", "animateColor"})
_CSS_URL_FUNCTIONS = frozenset({"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade"})
# Embedded data a reader shows without fetching anything: raster images and fonts. An embedded SVG
# would be a second drawing none of these checks has read.
_DATA_TYPES = re.compile(r"data:(image/(png|jpeg|jpg|gif|webp)|font/[\w.+-]+|application/(x-)?font-[\w.+-]+)[;,]", re.I)
_WEB_LINK = re.compile(r"(https?:|mailto:)", re.I)  # where an <a> may lead: followed on a click, never fetched

# Elements that draw (or take over) what their href names, and properties that draw what url(#id) names.
_DRAWING_HREF = frozenset({"use", "feImage", "pattern", "linearGradient", "radialGradient", "filter", "tref"})
_HREFS = ("{http://www.w3.org/1999/xlink}href", "href")  # WeasyPrint takes the first, browsers the second: both count
_WEASYPRINT_SAFE = "/:?#[]@!$&'()*+,;=~%"  # what WeasyPrint leaves unquoted in a URL (weasyprint.urls.iri_to_uri)
_TEXT = frozenset({"text", "tspan", "textPath", "tref", "a", "altGlyph"})  # what lays out its text and its children's tails
_GRADIENTS = frozenset({"linearGradient", "radialGradient"})  # one paint where used: their stops are colours, not shapes
_DRAWING_PROPERTIES = frozenset({"fill", "stroke", "mask", "clip-path", "filter", "marker", "marker-start", "marker-mid", "marker-end"})  # fmt: skip
_PLAIN_CSS = re.compile(r"[\\'\"]|/\*|(src|image|image-set|cross-fade)\s*\(", re.I)  # what needs the CSS parser
_PLAIN_URL = re.compile(r"url\(\s*([^)\s]*)", re.I)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_SEPARATORS = re.compile(r"[\s,]*")
_PATH_SEGMENT = re.compile(r"([MLHVCSQTAZ])([^MLHVCSQTAZ]*)", re.I)
# Numbers in one segment of each path command; an arc's seven take five when its flags run together ("a1 1 0 1110 10").
_PATH_NUMBERS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 5}
_LENGTH = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(px|pt|pc|mm|cm|in|q|em|ex|rem)?\s*$", re.I)
_PIXELS = {"px": 1, "pt": 4 / 3, "pc": 16, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96, "q": 96 / 101.6, "em": 16, "ex": 8, "rem": 16}


def require_svg(path: Path, name: Path, where: Location, what: str, max_pixels: int) -> None:
    """The SVG at `path` (shown as `name`) is a well-formed <svg> that runs nothing, refers to nothing
    outside itself, and draws a bounded amount; `max_pixels` bounds the raster images it embeds."""
    figure = f"{what} {name}"
    svg = _parse(path, figure, where)
    _require_plain_doctype(path, figure, where)
    found = ["xml-stylesheet instruction"] if svg.xpath("//processing-instruction('xml-stylesheet')") else []
    found += filter(None, map(_script_in, svg.getroot().iter(etree.Element)))
    if found:
        raise PressworkError(f"{figure} can run script ({found[0]}) when opened on its own", where,
                             "remove that from the drawing (export it as plain SVG), or use a PNG")  # fmt: skip
    try:
        for reference, place in _references(svg):
            if problem := _outside(reference, place, max_pixels):
                raise PressworkError(f"{figure} {problem}", where, _OUTSIDE_HINT)
        _require_sane_size(svg.getroot(), figure, where)
        _Budget(svg.getroot(), figure, where).measure(svg.getroot(), 0)
    except _CssTooComplex as error:
        raise PressworkError(f"{figure} {error}", where, "simplify the drawing's CSS, or export it again as plain SVG") from None


class _CssTooComplex(Exception):
    """CSS nested or chained past what the walk below, cssselect2 or WeasyPrint can follow."""


# The DOCTYPEs editors write (Illustrator adds text entities in its internal subset: kept).
_STANDARD_DTDS = {
    "-//W3C//DTD SVG 1.1//EN": "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd",
    "-//W3C//DTD SVG 1.1 Basic//EN": "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-basic.dtd",
    "-//W3C//DTD SVG 1.1 Tiny//EN": "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11-tiny.dtd",
    "-//W3C//DTD SVG 20010904//EN": "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd",
    "-//W3C//DTD SVG 1.0//EN": "http://www.w3.org/TR/2001/REC-SVG-20010904/DTD/svg10.dtd",
}


def _require_plain_doctype(path: Path, figure: str, where: Location) -> None:
    """The DOCTYPE, read with expat as WeasyPrint reads it, names a standard SVG DTD and declares
    only internal text entities: an <!ATTLIST> default is applied by expat but not by lxml (so an
    href or onload none of these checks saw), a parameter entity may hold one, and any other DTD or
    external entity is a URL a validating reader fetches."""

    def refuse(problem: str, hint: str = _DOCTYPE_HINT) -> None:
        raise PressworkError(f"{figure} {problem}", where, hint)

    def doctype(name: str, system: str | None, public: str | None, subset: bool) -> None:
        if system is not None and system.strip() not in {url for key, url in _STANDARD_DTDS.items() if public in (None, key)}:
            refuse(f"names a DTD other than SVG's ({system[:80]!r}) in its DOCTYPE")

    def entity(name: str, parameter: bool, value: str | None, base: str | None, system: str | None, *rest: object) -> None:
        if system is not None:
            refuse(f"refers to something outside itself (the entity {name})", _OUTSIDE_HINT)
        if parameter:
            refuse(f"declares a parameter entity (%{name}) in its DOCTYPE")

    class Root(Exception):
        """The root element: the DOCTYPE is behind."""

    def root(*_: object) -> None:
        raise Root

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler, parser.EntityDeclHandler, parser.StartElementHandler = doctype, entity, root
    parser.AttlistDeclHandler = lambda element, attribute, *_: refuse(f"declares attribute defaults (<!ATTLIST {element} "
                                                                      f"{attribute}>) in its DOCTYPE")  # fmt: skip
    parser.ElementDeclHandler = lambda element, _: refuse(f"declares elements (<!ELEMENT {element}>) in its DOCTYPE")
    try:
        with path.open("rb") as file:
            parser.ParseFile(file)
    except (Root, expat.ExpatError):  # past the DOCTYPE, or a file WeasyPrint cannot read at all
        return


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
    outside whatever its value (xml:base, @import). External entities are _require_plain_doctype's."""
    for element in svg.getroot().iter(etree.Element):
        name = etree.QName(element).localname
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            place = f"<{name} {local}>"
            if attribute == "{http://www.w3.org/XML/1998/namespace}base":
                yield None, place
            elif local.lower() in _URL_ATTRIBUTES:
                if name != "a" or not _WEB_LINK.match(value.strip()):
                    yield from ((url, place) for url in _urls(local, value))
            elif "(" in value or "\\" in value:
                yield from ((url, place) for _, url in _css_references(value, local == "style"))
        # an animation sets the attribute it names ("href", "xlink:href") to each of its values
        animated = element.get("attributeName", "").strip().rpartition(":")[2].lower()
        if name in _ANIMATIONS and (animated in _URL_ATTRIBUTES or animated == "base"):
            for key in ("values", "from", "to", "by"):
                for part in element.get(key, "").split(";"):
                    yield from ((url, f"<{name} {key}>") for url in _urls(animated, part) if part.strip())
        if name == "style":
            for rule in tinycss2.parse_stylesheet(_style_text(element)):
                if rule.type == "at-rule" and rule.lower_at_keyword == "import":
                    yield None, "<style> @import"
                if rule.type in ("at-rule", "qualified-rule"):
                    yield from ((url, "<style>") for url in _css_urls([*rule.prelude, *(rule.content or ())]))


def _urls(attribute: str, value: str) -> list[str]:
    """The URLs in an attribute's value: the value; each word of a ping; each candidate's URL in a
    srcset, read as HTML reads it (the first word, its trailing commas dropped, or descriptors up to
    the next comma, a comma in brackets taken as an end too: a candidate more, never one fewer)."""
    if (kind := attribute.lower()) == "ping":
        return value.split()
    if kind not in _SRCSETS:
        return [_URL_IGNORED.sub("", value)]
    urls, position = [], 0
    while match := _SRCSET_URL.match(value, position):
        urls.append(match[1].rstrip(","))
        if match[1].endswith(","):  # a candidate without descriptors
            position = match.end()
        else:
            comma = value.find(",", match.end())
            position = len(value) if comma < 0 else comma + 1
    return urls


def _style_text(style: etree._Element) -> str:
    """A <style>'s stylesheet as a reader reads it: all its text, CDATA included, across the
    comments and processing instructions that split it (expat drops them and joins the text)."""
    return "".join(style.itertext())


def _css_walk(tokens: Iterable) -> Iterator:
    """Every CSS token in `tokens` and inside their functions and blocks, walked without recursion
    and refused past MAX_CSS_NESTING (`a{[[[[…` is 20,000 deep)."""
    stack = [iter(tokens)]
    while stack:
        if (token := next(stack[-1], None)) is None:
            stack.pop()
            continue
        yield token
        if token.type in ("function", "() block", "[] block", "{} block"):
            stack.append(iter(token.arguments if token.type == "function" else token.content))
            if len(stack) > MAX_CSS_NESTING:
                raise _CssTooComplex(f"nests CSS more than {MAX_CSS_NESTING} deep")


def _css_urls(tokens: Iterable) -> Iterator[str]:
    """The URLs CSS tokens name: url(…) and the functions that take a URL as a string."""
    for token in _css_walk(tokens):
        if token.type == "url":
            yield _URL_IGNORED.sub("", token.value)
        elif token.type == "function" and token.lower_name in _CSS_URL_FUNCTIONS:
            yield from (_URL_IGNORED.sub("", arg.value) for arg in token.arguments if arg.type == "string")


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
            box = element.get("viewBox")
            numbers = [float(number) for number in _NUMBER.findall(box)]
            others = _NUMBER.sub("", box)  # nan, infinity: numbers to float() and WeasyPrint, not to this regex
            if not all(abs(number) <= MAX_SVG_COORDINATE for number in numbers) or not _SEPARATORS.fullmatch(others):
                raise PressworkError(f"{figure} has a viewBox beyond ±{MAX_SVG_COORDINATE:.0e} or not numbers ({box[:60]})",
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
        self.measured: dict[etree._Element, tuple[int, int, int]] = {}  # element: (drawn, glyphs, height)
        self.open: set[etree._Element] = set()

    def measure(self, element: etree._Element, depth: int) -> tuple[int, int, int]:
        """How many elements and glyphs `element` draws, and how deep they nest, standing `depth` deep."""
        if element in self.open:
            raise PressworkError(f"{self.figure} draws itself: #{element.get('id')} refers back to itself", self.where,
                                 "remove the reference loop (a <use>, pattern or marker inside what it names)")  # fmt: skip
        drawn, glyphs, height = self.measured.get(element) or self._count(element, depth)
        if depth + height > MAX_SVG_DEPTH:
            raise PressworkError(f"{self.figure} nests elements more than {MAX_SVG_DEPTH} deep (counting what <use> and "
                                 "other references draw)", self.where, _BUDGET_HINT)  # fmt: skip
        return drawn, glyphs, height

    def _count(self, element: etree._Element, depth: int) -> tuple[int, int, int]:
        if depth >= MAX_SVG_DEPTH:  # refused by measure(); stops the recursion before Python's own limit
            return 1, 0, 1
        self.open.add(element)
        glyphs = _glyphs(element)
        drawn, height = 1 + glyphs, 1
        parts = [(child, 1, False) for child in element.iterchildren(etree.Element)]
        for target, times, by_reference in parts + [(target, times, True) for target, times in self._referenced(element)]:
            target_drawn, target_glyphs, target_height = self.measure(target, depth + 1)
            paint = by_reference and etree.QName(target).localname in _GRADIENTS
            drawn += (1 if paint else target_drawn) * times
            glyphs += (0 if paint else target_glyphs) * times
            height = max(height, target_height + 1)
            if drawn > MAX_SVG_DRAWN:
                raise PressworkError(f"{self.figure} would draw more than {MAX_SVG_DRAWN:,} elements (its <use> and other "
                                     "references multiply them)", self.where, _BUDGET_HINT)  # fmt: skip
            if glyphs > MAX_SVG_GLYPHS:
                raise PressworkError(f"{self.figure} would draw more than {MAX_SVG_GLYPHS:,} characters of text (its <use> "
                                     "and other references multiply them)", self.where, _BUDGET_HINT)  # fmt: skip
        if glyphs > MAX_SVG_GLYPHS:  # one text of too many characters
            raise PressworkError(f"{self.figure} would draw more than {MAX_SVG_GLYPHS:,} characters of text", self.where,
                                 _BUDGET_HINT)  # fmt: skip
        self.open.discard(element)
        self.measured[element] = drawn, glyphs, height
        return drawn, glyphs, height

    def _referenced(self, element: etree._Element) -> Iterator[tuple[etree._Element, int]]:
        """The elements `element` draws by reference, each with how many times."""
        name = etree.QName(element).localname
        references = list(self.styled.get(element, ()))
        if name in _DRAWING_HREF:
            hrefs = (_URL_IGNORED.sub("", href) for key in _HREFS if (href := element.get(key, "").strip()))
            references += (("href", href) for href in dict.fromkeys(hrefs))
        for attribute, value in element.attrib.items():
            if attribute == "style":
                references += (pair for pair in _css_references(value, True) if pair[0] in _DRAWING_PROPERTIES)
            elif attribute in _DRAWING_PROPERTIES:
                references += ((attribute, url) for _, url in _css_references(value, False))
        for prop, url in references:
            for target in self._targets(url):
                yield target, _vertices(element) if prop.startswith("marker") else 1

    def _targets(self, url: str) -> list[etree._Element]:
        """The elements a '#' URL may name: by its fragment as written, as WeasyPrint %-encodes it
        (`#é` names id="%C3%A9" there) and as a browser decodes it."""
        if not url.startswith("#"):
            return []
        fragment = url[1:]
        names = dict.fromkeys((fragment, quote(fragment, safe=_WEASYPRINT_SAFE), unquote(fragment)))
        return [target for ident in names for target in self.ids.get(ident, ())]


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
        for rule in tinycss2.parse_stylesheet(_style_text(style), skip_comments=True, skip_whitespace=True):
            if rule.type == "qualified-rule" and (found := _url_properties(_declared(rule.content))):
                _require_short_selectors(rule.prelude)
                try:
                    selectors = cssselect2.compile_selector_list(rule.prelude)
                except cssselect2.SelectorError:
                    continue
                except SyntaxError:  # cssselect2 writes invalid Python for some :has(); WeasyPrint drops the drawing
                    selector = tinycss2.serialize(rule.prelude).strip()[:60]
                    raise _CssTooComplex(f"has a CSS selector WeasyPrint cannot read ({selector})") from None
                for selector in selectors:
                    matcher.add_selector(selector, found)
                    any_rule = True
    styled: dict[etree._Element, list[tuple[str, str]]] = {}
    if any_rule:
        for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
            if matches := matcher.match(wrapper):
                styled[wrapper.etree_element] = [pair for match in matches for pair in match[3]]
    return styled


def _require_short_selectors(prelude: list) -> None:
    """Each selector of a rule (between its top-level commas) has at most MAX_CSS_SELECTOR tokens,
    nested ones included: cssselect2 compiles `a>a>a…` and `:not(:not(…` to Python that overflows."""
    selector: list = []
    for token in [*prelude, None]:
        if token is not None and not (token.type == "literal" and token.value == ","):
            selector.append(token)
        elif sum(1 for _ in _css_walk(selector)) > MAX_CSS_SELECTOR:
            raise _CssTooComplex(f"has a CSS selector of more than {MAX_CSS_SELECTOR} parts")
        else:
            selector = []


def _vertices(element: etree._Element) -> int:
    """At most how many vertices a marker is drawn at: one for each pair of a polyline's numbers, and
    in a path one where each segment ends (an h or v segment takes one number, a curve six)."""
    vertices = len(_NUMBER.findall(element.get("points", ""))) // 2
    for command, numbers in _PATH_SEGMENT.findall(element.get("d", "")):
        per_segment = _PATH_NUMBERS.get(command.lower())
        vertices += -(-len(_NUMBER.findall(numbers)) // per_segment) if per_segment else 1  # z: one, back at the start
    return max(1, vertices)


def _glyphs(element: etree._Element) -> int:
    """How many characters a text element lays out itself: its text and its children's tails."""
    if etree.QName(element).localname not in _TEXT:
        return 0
    return len(element.text or "") + sum(len(child.tail or "") for child in element)
