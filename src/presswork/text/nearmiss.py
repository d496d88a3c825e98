"""Near misses ("did you mean …?") for a name that matches nothing: authors mistype ids, people's and
terms' names and image files, and a hint naming the likely one saves a search through the book."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

SHOWN = 3  # suggestions named at most
_PART_MIN = 3  # a shorter name is held by too many others to suggest them


def near_misses(name: str, known: Iterable[str], *, parts: bool = False) -> list[str]:
    """The known names closest to `name`: one differing only in case, else (with `parts`, for ids
    such as `ink` for `ch-01-ink`) those ending with it after a separator or holding it, else the
    closest spellings (difflib's ratio of at least 0.6, so `Fyodorof` finds `Fyodorov`)."""
    known = list(dict.fromkeys(known))
    folded = name.casefold()
    same = [k for k in known if k.casefold() == folded and k != name]
    if same:
        return same[:SHOWN]
    if parts and len(folded) >= _PART_MIN:
        ending = [k for k in known if k.casefold().endswith(tuple(sep + folded for sep in "-_.:/"))]
        holding = [k for k in known if folded in k.casefold() and k not in ending and k.casefold() != folded]
        if ending or holding:
            return (ending + holding)[:SHOWN]
    return difflib.get_close_matches(name, known, n=SHOWN, cutoff=0.6)


def did_you_mean(name: str, known: Iterable[str] | Mapping[str, str], otherwise: str, *, parts: bool = False) -> str:
    """A hint: the near misses of `name` as a question, then `otherwise`; `otherwise` alone without one.
    A mapping's keys are compared and its values named (a file's name, shown with its folder)."""
    shown = known if isinstance(known, Mapping) else {k: k for k in known}
    found = near_misses(name, shown, parts=parts)
    if not found:
        return otherwise
    return f"did you mean {' or '.join(repr(shown[f]) for f in found)}? Otherwise {otherwise}"
