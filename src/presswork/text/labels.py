"""Words the book itself prints (Notes, Contents, Part One …) in the book's language."""

from __future__ import annotations

from .typography import primary

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "notes": "Notes", "contents": "Contents", "chapter": "Chapter", "part": "Part", "cover": "Cover",
        "titlepage": "Title Page", "copyright": "Copyright", "landmarks": "Landmarks", "start": "Start of Content",
        "backlink": "Back to the text", "published": "Published by", "index": "Index", "pages": "Page List",
        # the web edition's own words
        "skip": "Skip to the text", "search": "Search", "search-book": "Search the book", "previous": "Previous",
        "next": "Next", "pager": "Previous and next page", "note": "Note", "close": "Close", "page": "Page",
        "search-off": "Searching needs JavaScript, which this browser has turned off: the contents and the index lead to every part of the book.",
        "search-ready": "Type one or more words: passages holding all of them are listed.",
        "search-found": "Passages found: {n}.", "search-none": "No passage holds all of these words.",
    },
    "ru": {
        "notes": "Примечания", "contents": "Содержание", "chapter": "Глава", "part": "Часть", "cover": "Обложка",
        "titlepage": "Титульный лист", "copyright": "Выходные данные", "landmarks": "Ориентиры",
        "start": "Начало текста", "backlink": "Назад к тексту", "published": "Издатель:", "index": "Указатель", "pages": "Список страниц",
        "skip": "Перейти к тексту", "search": "Поиск", "search-book": "Поиск по книге", "previous": "Назад",
        "next": "Далее", "pager": "Предыдущая и следующая страницы", "note": "Примечание", "close": "Закрыть", "page": "Страница",
        "search-off": "Для поиска нужен JavaScript, а он в этом браузере отключён: содержание и указатель ведут ко всем частям книги.",
        "search-ready": "Введите одно или несколько слов: будут показаны отрывки, где есть все они.",
        "search-found": "Найдено отрывков: {n}.", "search-none": "Нет отрывка, где были бы все эти слова.",
    },
}  # fmt: skip
_NUMBERS = {
    "en": "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen".split(),
    "ru": "Ноль Первая Вторая Третья Четвёртая Пятая Шестая Седьмая Восьмая Девятая Десятая".split(),
}


def word(lang: str, key: str) -> str:
    return _WORDS.get(primary(lang), _WORDS["en"])[key]


def role_label(lang: str, labels: dict[str, str]) -> str | None:
    """The title page's words before a contributor's names ("Translated by") from a role's `labels`
    by language; None for authors."""
    return labels.get(primary(lang), labels.get("en"))


def part_label(lang: str, number: int) -> str:
    numbers = _NUMBERS.get(primary(lang), _NUMBERS["en"])
    name = numbers[number] if number < len(numbers) else str(number)
    return f"{word(lang, 'part')} {name.lower() if primary(lang) == 'ru' else name}"


_TENS = "Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()
_TEENS = "Sixteen Seventeen Eighteen Nineteen".split()
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip


def roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def _english(number: int) -> str | None:
    """One to ninety-nine in words ("Forty-Two"); None beyond."""
    small = _NUMBERS["en"]
    if number < len(small):
        return small[number]
    if number < 20:
        return _TEENS[number - 16]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens - 2] + (f"-{small[ones]}" if ones else "")
    return None


def chapter_number(lang: str, number: int, style: str = "arabic") -> str:
    """A chapter's number as the book's `chapter_numbers` style writes it: 4, IV or Four (words
    where the language's list reaches, else figures)."""
    if style == "roman":
        return roman(number)
    if style == "words":
        if primary(lang) == "en":
            return _english(number) or str(number)
        numbers = _NUMBERS.get(primary(lang), [])
        return numbers[number].lower() if number < len(numbers) else str(number)
    return str(number)


def chapter_label(lang: str, number: int, style: str = "arabic") -> str:
    """The line above a chapter's title: Chapter 4, Chapter IV, Chapter Four (Глава первая)."""
    return f"{word(lang, 'chapter')} {chapter_number(lang, number, style)}"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`number` with the noun that agrees with it ("1 note", "0 notes", "1,200 notes"), for the
    English messages presswork prints; `plural` where adding an s is wrong ("biographies")."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def shortened(text: str, most: int = 60) -> str:
    """Text a user typed, as a message quotes it: a 100,000-character argument is no one-line error."""
    return text if len(text) <= most else text[:most] + "…"
