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


def chapter_label(lang: str, number: int) -> str:
    return f"{word(lang, 'chapter')} {number}"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`number` with the noun that agrees with it ("1 note", "0 notes", "1,200 notes"), for the
    English messages presswork prints; `plural` where adding an s is wrong ("biographies")."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def shortened(text: str, most: int = 60) -> str:
    """Text a user typed, as a message quotes it: a 100,000-character argument is no one-line error."""
    return text if len(text) <= most else text[:most] + "…"
