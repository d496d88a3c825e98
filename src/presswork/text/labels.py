"""Words the book itself prints (Notes, Contents, Part One …) in the book's language."""

from __future__ import annotations

from ..model import ROLES
from .typography import primary

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "notes": "Notes", "contents": "Contents", "chapter": "Chapter", "part": "Part", "cover": "Cover",
        "titlepage": "Title Page", "copyright": "Copyright", "landmarks": "Landmarks", "start": "Start of Content",
        "backlink": "Back to the text", "published": "Published by", "index": "Index", "pages": "Page List",
    },
    "ru": {
        "notes": "Примечания", "contents": "Содержание", "chapter": "Глава", "part": "Часть", "cover": "Обложка",
        "titlepage": "Титульный лист", "copyright": "Выходные данные", "landmarks": "Ориентиры",
        "start": "Начало текста", "backlink": "Назад к тексту", "published": "Издатель:", "index": "Указатель", "pages": "Список страниц",
    },
}  # fmt: skip
_NUMBERS = {
    "en": "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen Fifteen".split(),
    "ru": "Ноль Первая Вторая Третья Четвёртая Пятая Шестая Седьмая Восьмая Девятая Десятая".split(),
}


def word(lang: str, key: str) -> str:
    return _WORDS.get(primary(lang), _WORDS["en"])[key]


def role_label(lang: str, role: str) -> str | None:
    """The title page's words before a contributor's names ("Translated by"); None for authors."""
    labels = ROLES[role].labels
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
