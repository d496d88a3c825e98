"""Generate a full-size synthetic book folder for benchmarks and tests.

Real manuscripts are too small, too private or too unevenly featured to measure presswork
against; this writes a book the size of a long history (default 50 chapters, 180,000 words,
850 footnotes) that uses every feature of the manuscript format (docs/manuscript-format.md):
parts, footnotes, Cyrillic spans, block quotes and paragraphs, tables, figures, small caps,
cross-references and plain-ASCII typography. The text is nonsense assembled from fixed word
lists by a seeded random.Random, so the output is byte-identical for a given seed.

`--note-heavy` makes the book cost per page what a real note-heavy history costs (calibrated on
the imported corpus excerpt, `make bench` reports both): about 20 words a note, most citing a
Russian source in Cyrillic with its English edition in brackets; two or three 1200 x 800 figures
and four more block quotations of about 80 words a chapter; 140,000 words and 870 notes.

Usage: python tools/synthbook.py OUT_DIR [--chapters 50] [--words 180000] [--notes 850] [--seed 1] [--note-heavy]
"""

from __future__ import annotations

import argparse
import random
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# --------------------------------------------------------------------------- word lists

NOUNS = """press printer book page sheet type letter ink paper forme platen screw bar bed rail
frame workshop shop town city guild master apprentice journeyman compositor pressman reader
scholar merchant bishop prince abbot monk scribe binder bookseller fair market edition copy
volume quire leaf margin column line word title colophon woodcut border initial alphabet
font matrix punch mould metal lead tin press-run order contract privilege patron licence
censor law tax debt loan partner widow son daughter family house street river bridge road
cart barrel bale crate shelf library archive catalogue list price profit trade route mill
rag water wheel vat felt wire mark sign device calendar almanac grammar psalter missal
bible sermon treaty pamphlet broadside notice ballad map chart plate engraving picture
season winter spring summer autumn year decade century morning evening""".split()

ADJECTIVES = """old new early late small large heavy light black red careful patient busy
quiet famous obscure local foreign learned common rare cheap costly plain fine rough neat
crowded narrow wide long short strong weak wooden iron brass latin vernacular printed
written bound unbound damp dry clean worn fresh steady sudden slow quick modest ambitious
cautious bold faithful stubborn""".split()

VERBS = """printed set sold bought bound carried sent read copied corrected inked pulled
folded dried cut cast founded leased borrowed repaid owed shipped stored checked counted
priced praised banned licensed ordered finished began issued reissued revised translated
collected catalogued borrowed lent mended""".split()

ADVERBS = """slowly quickly carefully often rarely soon later once again still always seldom
gladly reluctantly openly quietly""".split()

PREPOSITIONS = "in at from to for with without near beyond under over after before across".split()

DETERMINERS = "the the the a this that every each one another".split()
PLURAL_DETERMINERS = "the the some many few several these those two three".split()

PLACES = """Mainz Bamberg Strasbourg Cologne Basel Augsburg Nuremberg Ulm Venice Rome Naples
Florence Milan Bologna Lyon Paris Rouen Seville Valencia Lisbon Antwerp Bruges Leiden
Deventer London Oxford Westminster Kraków Prague Vienna Buda Lübeck Danzig Moscow Vilnius
Lviv Ostroh Cetinje Geneva Zurich Leipzig""".split()

GIVEN = """Anna Bertram Clara Dietrich Elske Felix Greta Hanno Ilse Jakob Konrad Lena Matthias
Nora Otto Paula Quentin Rosa Simon Tilde Ulrich Vera Walther Ysolde""".split()

SURNAMES = """Ambach Brenner Castell Dorn Eckhart Falk Gessner Haller Imhof Jessen Kessler
Lindner Mauer Nolte Ostwald Pfister Quandt Roth Sattler Thalheim Ungerer Vogt Wendel
Zeller""".split()

# Mass nouns read oddly in the plural; plurals are drawn from the rest.
MASS_NOUNS = {"ink", "paper", "metal", "lead", "tin", "water", "rag", "felt", "wire", "trade",
              "profit", "type"}
COUNT_NOUNS = [n for n in NOUNS if n not in MASS_NOUNS]

CYRILLIC = """печать книга станок бумага краска мастер типография литера набор лист город
двор слово год первый новый старый долгий работа рука пресс наборщик переплёт страница
строка буква церковь монастырь купец письмо история время дело свет знание рукопись азбука
часослов чернила винт доска рама столбец поле заглавие гравюра склад цена торговля ярмарка
мельница вода колесо зима весна лето осень утро вечер улица мост дорога""".split()

CYRILLIC_NAMES = ["Пётр Лебедев", "Анна Соколова", "Иван Волков", "Мария Белова",
                  "Фёдор Орлов", "Ольга Зайцева"]

CONJUNCTIONS = ["and", "but", "while", "though", "so", "---"]
FUNCTION_WORDS = set(PREPOSITIONS + DETERMINERS + PLURAL_DETERMINERS + CONJUNCTIONS
                     + ["of", "and", "by", "as"])

NUMBER_WORDS = ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"]

FIGURE_FILES = ["figure-1.png", "figure-2.png", "figure-3.png"]
PLATES = [f"plate-{n}.png" for n in range(1, 25)]  # the note-heavy book's figures, 1200 x 800 as the importer's
NOTE_HEAVY = {"words": 140_000, "notes": 870}  # a real history's 600 pages: 1.4 notes a page

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def plural(noun: str) -> str:
    """English plural for the nouns in NOUNS."""
    if noun.endswith("man"):
        return noun[:-3] + "men"
    if noun == "matrix":
        return "matrices"
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith("f") and noun in ("leaf", "shelf"):
        return noun[:-1] + "ves"
    return noun + "s"


def slugify(text: str) -> str:
    """ASCII slug for file names and ids."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(ch if ch.isalnum() else "-" for ch in ascii_text.lower())
    return "-".join(part for part in out.split("-") if part)


def count_words(text: str) -> int:
    """Words as `wc -w` counts them: runs of non-whitespace."""
    return len(text.split())


def yaml_str(value: str) -> str:
    """A double-quoted YAML scalar (a JSON string is valid YAML)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


# --------------------------------------------------------------------------- text


class Writer:
    """Makes sentences, paragraphs and other blocks from the word lists with one seeded RNG."""

    def __init__(self, rng: random.Random, n_chapters: int, id_width: int, note_heavy: bool = False) -> None:
        self.rng = rng
        self.n_chapters = n_chapters
        self.id_width = id_width
        self.note_heavy = note_heavy

    # ---- small pieces

    def chapter_id(self, number: int) -> str:
        return f"ch-{number:0{self.id_width}d}"

    def person(self) -> str:
        return f"{self.rng.choice(GIVEN)} {self.rng.choice(SURNAMES)}"

    def initials_name(self) -> str:
        a, b = self.rng.sample("ABCDEFGHKLMNPRSTW", 2)
        return f"{a}. {b}. {self.rng.choice(SURNAMES)}"

    def year(self) -> int:
        return self.rng.randint(1440, 1560)

    def work_title(self) -> str:
        r = self.rng
        pattern = r.randrange(3)
        if pattern == 0:
            return f"The {r.choice(ADJECTIVES).title()} {r.choice(NOUNS).title()}"
        if pattern == 1:
            return f"{plural(r.choice(COUNT_NOUNS)).title()} and {r.choice(NOUNS).title()}"
        return f"The {r.choice(NOUNS).title()} in {r.choice(PLACES)}"

    def cyrillic(self, n: int) -> list[str]:
        return [self.rng.choice(CYRILLIC) for _ in range(n)]

    def noun_phrase(self) -> list[str]:
        r = self.rng
        if r.random() < 0.12:
            return [r.choice(PLACES)]
        if r.random() < 0.05:
            return [r.choice(GIVEN), r.choice(SURNAMES)]
        if r.random() < 0.4:
            words = [r.choice(PLURAL_DETERMINERS)]
            noun = plural(r.choice(COUNT_NOUNS))
        else:
            words = [r.choice(DETERMINERS)]
            noun = r.choice(NOUNS)
            if words[0] == "a" and noun[0] in "aeiou":
                words[0] = "an"
        if r.random() < 0.45:
            adj = r.choice(ADJECTIVES)
            if words[0] == "an":
                words[0] = "a"
            if words[0] == "a" and adj[0] in "aeiou":
                words[0] = "an"
            words.append(adj)
        if r.random() < 0.04:
            words.append(f'"{noun}"')
        elif r.random() < 0.05 and not noun.endswith("s"):
            words.append(noun + "'s")
            words.append(r.choice(NOUNS))
        else:
            words.append(noun)
        return words

    def adverbial(self) -> list[str]:
        r = self.rng
        roll = r.random()
        if roll < 0.15:
            return ["in", str(self.year())]
        if roll < 0.2:
            start = self.year()
            return ["during", f"{start}--{start + r.randint(2, 30)}"]
        if roll < 0.25:
            return ["in", "the", f"{r.randrange(1440, 1560, 10)}s"]
        return [r.choice(PREPOSITIONS)] + self.noun_phrase()

    def clause(self) -> list[str]:
        r = self.rng
        words = self.noun_phrase()
        if r.random() < 0.2:
            words.append(r.choice(ADVERBS))
        words.append(r.choice(VERBS))
        words += self.noun_phrase()
        while r.random() < 0.5:
            words += self.adverbial()
        return words

    def sentence(self, length: int) -> list[str]:
        """A plain sentence of exactly `length` words (length >= 3)."""
        r = self.rng
        words: list[str] = ["In", f"{self.year()},"] if r.random() < 0.15 else []
        first = True
        while len(words) < length:
            if not first:
                joiner = r.choice(CONJUNCTIONS)
                if joiner != "---":
                    words[-1] += ","
                words.append(joiner)
            words += self.clause()
            first = False
        words = words[:length]
        if words[-1].rstrip(",") in FUNCTION_WORDS or words[-1].rstrip(",") in ADJECTIVES:
            words[-1] = self.ending_noun(words[-2] if length > 1 else "")
        words[-1] = words[-1].rstrip(",") + ("..." if r.random() < 0.02 else ".")
        words[0] = words[0][0].upper() + words[0][1:]
        if r.random() < 0.25:  # emphasis on one plain word
            i = r.randrange(len(words))
            if words[i].isalpha():
                words[i] = f"**{words[i]}**" if r.random() < 0.1 else f"*{words[i]}*"
        return words

    def ending_noun(self, previous: str) -> str:
        """A noun to close a sentence cut short, agreeing with the word before it."""
        r = self.rng
        if previous in PLURAL_DETERMINERS:
            return plural(r.choice(COUNT_NOUNS))
        if previous == "a":
            return r.choice([n for n in NOUNS if n[0] not in "aeiou"])
        if previous == "an":
            return r.choice([n for n in NOUNS if n[0] in "aeiou"])
        return r.choice(NOUNS)

    # ---- special sentences (each keeps its word count exactly)

    def sentence_ru_span(self, length: int) -> list[str]:
        words = self.sentence(length)
        k = self.rng.randint(1, min(3, length - 2))
        i = self.rng.randint(1, length - k - 1)
        ru = self.cyrillic(k)
        ru[0] = "[" + ru[0]
        ru[-1] += "]{lang=ru}"  # after the bracket: with one word, ru[0] is ru[-1]
        words[i:i + k] = ru
        return words

    def sentence_ru_bare(self, length: int) -> list[str]:
        words = self.sentence(length)
        k = self.rng.randint(1, min(4, length - 2))
        i = self.rng.randint(1, length - k - 1)
        ru = self.cyrillic(k)
        if self.rng.random() < 0.4:
            ru[0], ru[-1] = "*" + ru[0], ru[-1] + "*"
        words[i:i + k] = ru
        return words

    def sentence_xref(self, length: int, current: int) -> list[str]:
        words = self.sentence(length - 3)
        target = self.rng.choice([n for n in range(1, self.n_chapters + 1) if n != current] or [current])
        words[-1] = words[-1].rstrip(".")
        words += ["(see", "[chapter", f"{target}](#{self.chapter_id(target)}))."]
        return words

    def sentence_small_caps(self, length: int) -> list[str]:
        words = self.sentence(length - 3)
        if words[0].lower() in DETERMINERS + PLURAL_DETERMINERS + ["an", "in"]:
            words[0] = words[0].lower()
        return ["In", "[AD", f"{self.year()}]{{.sc}},"] + words

    def sentence_figure_ref(self, length: int, fig_id: str) -> list[str]:
        words = self.sentence(length - 2)
        words[-1] = words[-1].rstrip(".")
        return words + ["(see", f"[figure](#{fig_id}))."]

    # ---- blocks

    def paragraph(self, length: int, specials: list[str], notes: list[int], current: int,
                  fig_id: str | None = None) -> str:
        """A paragraph of about `length` words holding the given special sentences and note refs."""
        r = self.rng
        sentences: list[list[str]] = []
        for kind in specials:
            n = r.randint(10, 20)
            if kind == "ru_span":
                sentences.append(self.sentence_ru_span(n))
            elif kind == "ru_bare":
                sentences.append(self.sentence_ru_bare(n))
            elif kind == "xref":
                sentences.append(self.sentence_xref(n, current))
            elif kind == "sc":
                sentences.append(self.sentence_small_caps(n))
            elif kind == "figref" and fig_id:
                sentences.append(self.sentence_figure_ref(n, fig_id))
        remaining = length - sum(len(s) for s in sentences)
        while remaining > 0:
            n = r.randint(8, 24)
            if remaining - n < 5:
                n = remaining if remaining >= 3 else n
            sentences.insert(r.randint(0, len(sentences)), self.sentence(n))
            remaining -= n
        # Note refs at the end of randomly chosen sentences, numbered in reading order.
        if len(notes) <= len(sentences):
            slots = sorted(r.sample(range(len(sentences)), len(notes)))
        else:
            slots = sorted(r.choices(range(len(sentences)), k=len(notes)))
        for slot, label in zip(slots, notes):
            sentences[slot][-1] += f"[^{label}]"
        return " ".join(" ".join(s) for s in sentences)

    def note_text(self, current: int) -> str:
        if self.note_heavy:
            return self.source_note(current)
        r = self.rng
        roll = r.random()
        if roll < 0.3:
            return f"{r.choice(SURNAMES)}, *{self.work_title()}*, p. {r.randint(3, 480)}."
        if roll < 0.5:
            a = r.randint(3, 400)
            return (f"See {self.initials_name()}, *{self.work_title()}* ({r.choice(PLACES)}, "
                    f"{r.randint(1880, 2020)}), pp. {a}--{a + r.randint(1, 30)}.")
        if roll < 0.62:
            target = r.randint(1, self.n_chapters)
            return (" ".join(self.sentence(r.randint(8, 18)))
                    + f" Compare [chapter {target}](#{self.chapter_id(target)}).")
        if roll < 0.72:
            return (f"The Russian term is [{' '.join(self.cyrillic(2))}]{{lang=ru}}. "
                    + " ".join(self.sentence(r.randint(6, 14))))
        if roll < 0.76:
            return f"Shelfmark `Inc. {r.randint(100, 9999)}`, {r.choice(PLACES)}."
        return " ".join(self.sentence(r.randint(8, 22))) + (
            " " + " ".join(self.sentence(r.randint(6, 16))) if r.random() < 0.4 else "")

    def source_note(self, current: int) -> str:
        """A note as a translated history has them (about 20 words): mostly a Russian source in
        Cyrillic with its English edition in brackets, or its "ibid.", else two sentences of comment."""
        r = self.rng
        roll, a = r.random(), r.randint(3, 700)
        if roll < 0.25:
            return f"Там же, С. {a} [Ibid., p. {a + 9}]."
        if roll < 0.7:
            author = r.choice(CYRILLIC_NAMES).split()[-1]
            title = " ".join(self.sentence(r.randint(2, 5))).rstrip(".")
            return (f"{author}, {' '.join(self.cyrillic(r.randint(1, 2))).capitalize()}, Т. {r.randint(1, 55)}, С. {a} "
                    f"[{r.choice(SURNAMES)}, *{self.work_title()}*, Volume {r.randint(1, 45)}, “{title},” p. {a + 9}].")
        return " ".join(self.sentence(r.randint(12, 24))) + " " + " ".join(self.sentence(r.randint(8, 16)))

    def block_quote(self, sentences: tuple[int, int] = (2, 4)) -> str:
        r = self.rng
        text = " ".join(" ".join(self.sentence(r.randint(10, 22))) for _ in range(r.randint(*sentences)))
        return f"> {text}\n>\n> — {self.person()}, *{self.work_title()}*"

    def russian_block_quote(self) -> str:
        r = self.rng
        sentences = []
        for _ in range(r.randint(2, 4)):
            words = self.cyrillic(r.randint(6, 14))
            words[0] = words[0].capitalize()
            sentences.append(" ".join(words) + ".")
        work = " ".join(self.cyrillic(2)).capitalize()
        return f"{{lang=ru}}\n> {' '.join(sentences)}\n>\n> — {r.choice(CYRILLIC_NAMES)}, *{work}*"

    def table(self) -> str:
        r = self.rng
        towns = r.sample(PLACES, r.randint(4, 7))
        rows = ["| Town | First press | Presses | Editions |", "|:-----|-----:|-----:|-----:|"]
        for town in towns:
            rows.append(f"| {town} | {self.year()} | {r.randint(1, 24)} | {r.randint(5, 900)} |")
        start = r.randrange(1450, 1520, 10)
        caption = f"Table: Presses and editions in {len(towns)} towns, {start}--{start + 30}"
        return caption + "\n\n" + "\n".join(rows)

    def figure(self, fig_id: str, index: int, files: list[str] = FIGURE_FILES) -> str:
        r = self.rng
        alt = f"A simple drawing of {' '.join(self.noun_phrase())} with labelled parts"
        caption = " ".join(self.sentence(r.randint(6, 14))).replace('"', '\\"')  # a bare quote would end the title
        file = files[index % len(files)]
        return f'![{alt}](images/{file} "{caption}"){{#{fig_id}}}'

    def bullet_list(self) -> str:
        return "\n".join("- " + " ".join(self.sentence(self.rng.randint(4, 10)))
                         for _ in range(self.rng.randint(3, 5)))

    def title(self) -> tuple[str, str]:
        """A chapter title and its short form for running heads."""
        r = self.rng
        pattern = r.randrange(4)
        if pattern == 0:
            place = r.choice(PLACES)
            return f"The {r.choice(NOUNS).title()} at {place}", place
        if pattern == 1:
            a, b = plural(r.choice(COUNT_NOUNS)).title(), plural(r.choice(COUNT_NOUNS)).title()
            return f"{a} and {b}", a
        if pattern == 2:
            noun = r.choice(NOUNS).title()
            return f"The {r.choice(ADJECTIVES).title()} {noun}", noun
        noun = plural(r.choice(COUNT_NOUNS)).title()
        return f"{noun} of {r.choice(PLACES)}", noun


# --------------------------------------------------------------------------- files


def split_total(total: int, parts: int, rng: random.Random, spread: float = 0.25) -> list[int]:
    """Split `total` into `parts` positive integers that vary a little and sum exactly."""
    weights = [1 + rng.uniform(-spread, spread) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    for i in range(total - sum(sizes)):
        sizes[i % parts] += 1
    return sizes


def build_file(w: Writer, front: dict[str, str], budget: int, fixed: list[tuple[float, str]],
               notes: int, specials: list[str], current: int, fig_id: str | None = None) -> str:
    """One Markdown file of exactly `budget` words where possible.

    `fixed` blocks are placed at a fraction of the way through the body paragraphs; the
    paragraphs are then sized so that the whole file meets the word budget.
    """
    r = w.rng
    head = "---\n" + "".join(f"{k}: {v}\n" for k, v in front.items()) + "---"
    note_defs = [f"[^{n}]: {w.note_text(current)}" for n in range(1, notes + 1)]
    fixed_words = count_words(head) + sum(count_words(b) for _, b in fixed)
    fixed_words += sum(count_words(d) for d in note_defs)
    filler = max(budget - fixed_words, 40)
    n_paras = max(3, round(filler / 115))
    sizes = split_total(filler, n_paras, r, spread=0.5)

    # Which paragraph gets which special sentences and how many note refs.
    para_specials: list[list[str]] = [[] for _ in range(n_paras)]
    for kind in specials:
        para_specials[r.randrange(n_paras)].append(kind)
    note_counts = [0] * n_paras
    for _ in range(notes):
        note_counts[r.randrange(n_paras)] += 1

    # Fixed blocks go between paragraphs, never first or last.
    positions: dict[int, list[str]] = {}
    for fraction, block in sorted(fixed, key=lambda item: item[0]):
        index = min(n_paras - 1, max(1, round(fraction * n_paras)))
        positions.setdefault(index, []).append(block)

    blocks: list[str] = [head]
    fig_seen = False
    written, wanted, label = 0, 0, 1
    for i in range(n_paras):
        for block in positions.get(i, []):
            fig_seen = fig_seen or block.startswith("![")
            blocks.append(block)
        wanted += sizes[i]
        kinds = [k for k in para_specials[i] if k != "figref" or fig_seen]
        if fig_id and "figref" in para_specials[i] and not fig_seen and i + 1 < n_paras:
            para_specials[i + 1].append("figref")
        labels = list(range(label, label + note_counts[i]))
        label += note_counts[i]
        text = w.paragraph(max(wanted - written, 12), kinds, labels, current, fig_id)
        written += count_words(text)
        blocks.append(text)
    blocks += note_defs
    return "\n\n".join(blocks) + "\n"


def draw_figures(images: Path, rng: random.Random) -> None:
    """Three small, simple figure PNGs: bars, a grid of letters, boxes and circles."""
    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        try:
            return ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), size)
        except OSError:
            return ImageFont.load_default()

    ink = (30, 30, 34)
    img = Image.new("RGB", (800, 500), "white")
    d = ImageDraw.Draw(img)
    d.line([(80, 440), (760, 440)], fill=ink, width=3)
    d.line([(80, 40), (80, 440)], fill=ink, width=3)
    for i in range(8):
        h = rng.randint(40, 380)
        d.rectangle((110 + i * 80, 440 - h, 160 + i * 80, 440), fill=(60, 90, 130), outline=ink)
        d.text((135 + i * 80, 450), str(1450 + 10 * i), font=font(16), fill=ink, anchor="mt")
    img.save(images / FIGURE_FILES[0], "PNG")

    img = Image.new("RGB", (800, 500), "white")
    d = ImageDraw.Draw(img)
    for row in range(5):
        for col in range(8):
            x, y = 40 + col * 90, 30 + row * 90
            d.rectangle((x, y, x + 84, y + 84), fill=(244, 236, 220), outline=ink, width=2)
            d.text((x + 42, y + 42), rng.choice("ABCDEFGHIKLMNOPRSTVW"), font=font(36), fill=ink,
                   anchor="mm")
    img.save(images / FIGURE_FILES[1], "PNG")

    img = Image.new("RGB", (800, 500), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((300, 40, 500, 460), outline=ink, width=6)
    d.rectangle((330, 200, 470, 230), fill=(200, 200, 206), outline=ink, width=3)
    d.line([(400, 40), (400, 200)], fill=ink, width=10)
    for _ in range(6):
        x, y, rad = rng.randint(40, 260), rng.randint(60, 440), rng.randint(10, 30)
        d.ellipse((x - rad, y - rad, x + rad, y + rad), outline=ink, width=3)
    d.text((520, 215), "platen", font=font(22), fill=ink, anchor="lm")
    img.save(images / FIGURE_FILES[2], "PNG")


def draw_plates(images: Path, rng: random.Random) -> None:
    """The note-heavy book's figures (`PLATES`): 1200 x 800 bar charts of random heights, each file
    its own pixels, as a real book's figures are."""
    ink = (30, 30, 34)
    for name in PLATES:
        img = Image.new("RGB", (1200, 800), (250, 248, 242))
        d = ImageDraw.Draw(img)
        d.line([(100, 720), (1140, 720)], fill=ink, width=4)
        for i in range(12):
            h = rng.randint(60, 620)
            shade = tuple(rng.randint(60, 200) for _ in range(3))
            d.rectangle((130 + i * 84, 720 - h, 190 + i * 84, 720), fill=shade, outline=ink, width=2)
        img.save(images / name, "PNG")


def draw_cover(path: Path, title: str, author: str) -> None:
    """A plain 1600 x 2560 cover, enough for packaging and thumbnails."""
    def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        try:
            return ImageFont.truetype(str(FONT_DIR / "DejaVuSerif-Bold.ttf"), size)
        except OSError:
            return ImageFont.load_default()

    img = Image.new("RGB", (1600, 2560), (92, 38, 36))
    d = ImageDraw.Draw(img)
    d.rectangle((80, 80, 1520, 2480), outline=(230, 200, 140), width=8)
    words, lines = title.split(), []
    while words:
        lines.append(" ".join(words[:2]))
        words = words[2:]
    for i, line in enumerate(lines):
        d.text((800, 700 + i * 170), line, font=font(130), fill=(246, 238, 222), anchor="mm")
    d.line([(500, 1300), (1100, 1300)], fill=(230, 200, 140), width=4)
    d.text((800, 2150), author, font=font(80), fill=(230, 200, 140), anchor="mm")
    img.save(path, "JPEG", quality=90)


def book_yaml(parts: list[tuple[str, list[str]]], author: str, back_matter: bool = True) -> str:
    """book.yaml with full metadata; chapter files listed by part."""
    lines = [
        'title: "The Compositor\'s Year"',
        "subtitle: A Synthetic Book for Benchmarks",
        "slug: synthbook",
        "language: en",
        "contributors:",
        f"  - name: {author}",
        "    role: author",
        "  - name: Pyotr Lebedev",
        "    file_as: Lebedev, Pyotr",
        "    role: translator",
        "publisher: {name: Presswork Editions, place: Bristol}",
        "date: 2026-11-01",
        'isbn: {ebook: "9780000000002", paperback: "9780000000019"}',
        f'rights: "© 2026 {author}. Synthetic text for testing; free to reuse."',
        "description: >",
        "  Generated nonsense in the shape of a long history of printing, used to",
        "  benchmark and test presswork. It has parts, footnotes, Cyrillic passages,",
        "  block quotations, tables, figures and cross-references.",
        "subjects: [Printing — History, Books — History, Test data]",
        "cover: images/cover.jpg",
        "scripts: {Cyrl: ru}",
        "contents:",
        "  front:",
        "    - front/foreword.md",
        "  body:",
    ]
    for number, (name, files) in enumerate(parts, start=1):
        lines += [f"    - part: {yaml_str(name)}", f"      id: part-{number}", "      chapters:"]
        lines += [f"        - {f}" for f in files]
    lines += ["  back:", "    - back/afterword.md"]
    if back_matter:
        lines += ["    - back/glossary.yaml", "    - back/chronology.yaml", "    - back/biographies.yaml", "    - index",
                  "index:", "  auto: [persons, terms]"]
    return "\n".join(lines) + "\n"


GLOSSARY_TERMS = "colophon quire platen matrix punch forme woodcut almanac psalter missal broadside ballad".split()


def write_back_matter(back: Path, rng: random.Random) -> None:
    """Glossary, chronology and biographies for the generated book; the names and terms they
    hold are indexed automatically wherever the text mentions them."""
    glossary = ["order: alphabetical", "terms:"]
    for term in GLOSSARY_TERMS:
        original = rng.choice(CYRILLIC)
        glossary += [f"  - term: {term}", f"    original: {original}", "    original_lang: ru",
                     f"    definition: A {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} of the {rng.choice(NOUNS)} trade."]
    chronology = ["columns: [Year, Event]", "groups:"]
    year = 1440
    for group in range(4):
        chronology += [f"  - title: Period {group + 1}", "    rows:"]
        for _ in range(10):
            year += rng.randint(1, 6)
            chronology.append(f'      - ["{year}", "A {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} in {rng.choice(PLACES)}."]')
    people = ["people:"]
    for surname in SURNAMES[:10]:  # a few dozen notes at most, as in a real history
        born = rng.randint(1400, 1500)
        people += [f"  - surname: {surname}", f"    given: {rng.choice(GIVEN)}", f'    born: "{born}"',
                   f'    died: "{born + rng.randint(30, 80)}"', f"    born_place: {rng.choice(PLACES)}",
                   f"    text: A {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} of {rng.choice(PLACES)}."]
    for name, lines in (("glossary", glossary), ("chronology", chronology), ("biographies", people)):
        (back / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def generate(out_dir: Path, chapters: int = 50, words: int = 180_000, notes: int = 850,
             seed: int = 1, back_matter: bool = True, note_heavy: bool = False) -> None:
    """Write a synthetic book folder into `out_dir` (created if needed); `note_heavy`: as costly per
    page as a real note-heavy history (the module's docstring)."""
    out_dir = Path(out_dir)
    manuscript = out_dir / "manuscript"
    for sub in ("front", "chapters", "back"):
        (manuscript / sub).mkdir(parents=True, exist_ok=True)
    images = out_dir / "images"
    images.mkdir(parents=True, exist_ok=True)
    author = "Elinor Vance"

    book_rng = random.Random(f"synthbook-{seed}")
    id_width = max(2, len(str(chapters)))
    frame_budget = max(150, round(words * 0.004))
    chapter_budgets = split_total(words - 2 * frame_budget, chapters, book_rng, spread=0.2)
    note_counts = split_total(notes, chapters, book_rng, spread=0.2)

    def every(step: int, offset: int) -> set[int]:
        hits = {n for n in range(1, chapters + 1) if n % step == offset % step}
        return hits or {min(offset, chapters)}

    tables, figures, ru_quotes = every(5, 3), every(15, 8), every(4, 1)
    files: list[str] = []
    for number in range(1, chapters + 1):
        w = Writer(random.Random(f"synthbook-{seed}-ch{number}"), chapters, id_width, note_heavy)
        title, short = w.title()
        cid = w.chapter_id(number)
        front = {"title": yaml_str(title), "short_title": yaml_str(short), "id": cid,
                 "kind": "chapter"}
        sub = f"The {w.rng.choice(ADJECTIVES).title()} {w.rng.choice(NOUNS).title()}"
        fixed = [(0.5, f"## {sub} {{#sec-{number:0{id_width}d}-{slugify(sub)}}}"),
                 (w.rng.uniform(0.1, 0.4), w.block_quote())]
        if number % 2 == 0:
            fixed.append((w.rng.uniform(0.6, 0.9), w.block_quote()))
        if number in ru_quotes:
            fixed.append((w.rng.uniform(0.2, 0.8), w.russian_block_quote()))
        if number in tables:
            fixed.append((w.rng.uniform(0.3, 0.7), w.table()))
        fig_id = None
        if number in figures:
            fig_id = f"fig-{number:0{id_width}d}"
            fixed.append((w.rng.uniform(0.3, 0.6), w.figure(fig_id, sorted(figures).index(number))))
        if number % 3 == 0:
            fixed.append((w.rng.uniform(0.6, 0.95), "* * *"))
        if number % 6 == 2:
            fixed.append((w.rng.uniform(0.2, 0.8), w.bullet_list()))
        if note_heavy:
            fixed += [(w.rng.uniform(0.1, 0.9), w.block_quote((4, 6))) for _ in range(4)]
            fixed += [(w.rng.uniform(0.1, 0.9), w.figure(f"plate-{number}-{k}", number * 3 + k, PLATES))
                      for k in range(2 + number % 2)]
        specials = ["ru_span", "ru_span", "ru_bare", "ru_bare", "xref", "sc"]
        specials += ["xref"] * w.rng.randint(0, 1) + (["figref"] if fig_id else [])
        text = build_file(w, front, chapter_budgets[number - 1], fixed, note_counts[number - 1],
                          specials, number, fig_id)
        name = f"chapters/{number:0{id_width}d}-{slugify(title)}.md"
        (manuscript / name).write_text(text, encoding="utf-8", newline="\n")
        files.append(name)

    for name, kind, title in (("front/foreword.md", "foreword", "Foreword"),
                              ("back/afterword.md", "afterword", "Afterword")):
        w = Writer(random.Random(f"synthbook-{seed}-{kind}"), chapters, id_width)
        front = {"title": title, "id": kind, "kind": kind}
        text = build_file(w, front, frame_budget, [(0.5, w.block_quote())], 0,
                          ["xref", "ru_span"], 0)
        (manuscript / name).write_text(text, encoding="utf-8", newline="\n")

    n_parts = min(5, chapters)
    per_part = split_total(chapters, n_parts, book_rng, spread=0.0)
    parts, start = [], 0
    for p in range(n_parts):
        a, b = book_rng.choice(NOUNS).title(), book_rng.choice(NOUNS).title()
        parts.append((f"{a} and {b}", files[start:start + per_part[p]]))
        start += per_part[p]
    (manuscript / "book.yaml").write_text(book_yaml(parts, author, back_matter), encoding="utf-8", newline="\n")
    if back_matter:
        write_back_matter(manuscript / "back", random.Random(f"synthbook-{seed}-back"))

    draw_figures(images, random.Random(f"synthbook-{seed}-images"))
    if note_heavy:
        draw_plates(images, random.Random(f"synthbook-{seed}-plates"))
    draw_cover(images / "cover.jpg", "The Compositor's Year", author)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--chapters", type=int, default=50)
    parser.add_argument("--words", type=int, help="180000 (140000 with --note-heavy)")
    parser.add_argument("--notes", type=int, help="850 (870 with --note-heavy)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-back-matter", action="store_true", help="no glossary, chronology, biographies or index")
    parser.add_argument("--note-heavy", action="store_true",
                        help=f"as costly per page as a real note-heavy history (default {NOTE_HEAVY['words']} words, {NOTE_HEAVY['notes']} notes)")
    args = parser.parse_args(argv)
    sizes = NOTE_HEAVY if args.note_heavy else {"words": 180_000, "notes": 850}
    generate(args.out_dir, chapters=args.chapters, words=args.words or sizes["words"], notes=args.notes or sizes["notes"],
             seed=args.seed, back_matter=not args.no_back_matter, note_heavy=args.note_heavy)


if __name__ == "__main__":
    main()
