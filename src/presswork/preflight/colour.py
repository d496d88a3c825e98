"""Colour as each standard allows it, judged on every colour space the walk met (operators,
images, shadings, patterns, groups), reported once a page and space with a count."""

from __future__ import annotations

from collections import Counter

import pikepdf

from .findings import Finding
from .walk import Mark

# What each rule lets through, by the family walk.family names.
PRINT_ONLY = ("DeviceCMYK", "DeviceGray", "Separation (DeviceCMYK)", "Separation (DeviceGray)",
              "DeviceN (DeviceCMYK)", "DeviceN (DeviceGray)", "Pattern")  # fmt: skip


def intent_space(pdf: pikepdf.Pdf) -> str:
    """The colour space of the first output intent's profile (RGB, CMYK, Gray), or '' without one."""
    for intent in pdf.Root.get("/OutputIntents", []):
        profile = intent.get("/DestOutputProfile")
        if isinstance(profile, pikepdf.Stream):
            return {1: "Gray", 3: "RGB", 4: "CMYK"}.get(int(profile.get("/N", 0)), "")
    return ""


def allowed(space: str, rule: str, intent: str) -> bool:
    """Whether `rule` (x-1a, x-3, pdf/a) takes colour space `space` under an output intent in `intent`.
    x-1a: CMYK and grey only; x-3/x-4: no device colour other than grey unless the intent is that
    space (or a Default space makes it ICC-based); PDF/A: the same device-colour rule."""
    if rule == "x-1a":
        return space in PRINT_ONLY
    device = space.split(" (")[0] if space.startswith(("Separation", "DeviceN")) else space
    if device.startswith("Device") and "(with Default" not in space:
        return device == "DeviceGray" or device[6:] == intent
    return space != "unknown"


def colour(pdf: pikepdf.Pdf, marks: list[Mark], rule: str) -> list[Finding]:
    intent = intent_space(pdf)
    counts: Counter[tuple[int, str, str]] = Counter()
    for mark in marks:
        if mark.kind in ("colour", "image") and not allowed(mark.space, rule, intent):
            counts[mark.page, mark.space, mark.how] += 1
    by_page: dict[tuple[int, str], list[str]] = {}
    for (page, space, how), n in sorted(counts.items()):
        by_page.setdefault((page, space), []).append(f"{n} {how}")
    why = "only CMYK or grey" if rule == "x-1a" else f"no device colour but the {intent or 'missing'} intent's"
    return [Finding("C001", page, f"{space} colour ({', '.join(uses)}): {why}")
            for (page, space), uses in by_page.items()]  # fmt: skip


def rich_black(marks: list[Mark]) -> list[Finding]:
    """Text and thin rules in four-colour black (walk.rich_black), counted a page: black type and
    rules are printed with black ink alone, or they blur when the plates are out of register."""
    counts: Counter[tuple[int, str]] = Counter((m.page, m.how) for m in marks if m.kind == "rich black")
    pages = sorted({page for page, _ in counts})
    return [Finding("C002", page, "four-colour black on " + ", ".join(
                f"{counts[page, how]} {label}" for how, label in (("text", "text run(s)"), ("rule", "thin rule(s)"))
                if counts[page, how]) + ": black text and rules take black ink (K) only")
            for page in pages]  # fmt: skip
