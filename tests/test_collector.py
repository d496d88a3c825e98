"""The collector run once after a burst of allocation (presswork.collector)."""

from __future__ import annotations

import gc
import weakref

from presswork.collector import collected_after


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_the_collector_is_off_inside_and_the_blocks_cycles_are_freed_after():
    assert gc.isenabled()
    with collected_after():
        assert not gc.isenabled()
        garbage = weakref.ref(Node())
        assert garbage() is not None  # a cycle: alive until collected
    assert gc.isenabled()
    assert garbage() is None


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    try:
        with collected_after():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_piece_is_laid_out_with_the_collector_off_and_its_cycles_freed_after(monkeypatch):
    from presswork.layout.typeset import Typesetter

    seen: list[object] = []

    def lay_out(self: Typesetter, job: object) -> str:
        seen.append(gc.isenabled())
        seen.append(weakref.ref(Node()))
        return "laid out"

    monkeypatch.setattr(Typesetter, "_lay_out", lay_out)
    assert Typesetter.lay_out(object.__new__(Typesetter), None) == "laid out"  # type: ignore[arg-type]
    enabled, garbage = seen
    assert enabled is False and garbage() is None and gc.isenabled()


def test_a_book_is_loaded_with_the_collector_off(monkeypatch, small_book):
    from presswork import pipeline
    from presswork.errors import Diagnostics

    states: list[bool] = []
    loaded = pipeline.load_book
    monkeypatch.setattr(pipeline, "load_book", lambda *args: states.append(gc.isenabled()) or loaded(*args))
    pipeline.load(small_book(), Diagnostics(), Quiet())
    assert states == [False] and gc.isenabled()


class Quiet:
    def info(self, message: str, step: object = None) -> None:
        pass

    def detail(self, message: str) -> None:
        pass
