"""The words the engine writes where no page translates them for the reader (the watched
folder's `*.error.txt`, read by the clerk): its English msgids in the catalogue the top layer
installs (webui.i18n: the pages' Vietnamese), or as they are until one is (the engine alone).
Process-wide, as the clock is (engine.clock.set_clock)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

_loaders: list[Callable[[], Mapping[str, str]]] = []


def install(load: Callable[[], Mapping[str, str]]) -> None:
    """Translate through the catalogue `load` returns (msgid → text), read at first use."""
    _loaders[:] = [load]
    _catalogue.cache_clear()


@cache
def _catalogue() -> Mapping[str, str]:
    return _loaders[0]() if _loaders else {}


def translate(text: str) -> str:
    return _catalogue().get(text) or text


def message(text: str, params: Mapping[str, object] | None = None) -> str:
    """A msgid with its %(…)s parameters, translated."""
    return translate(text) % params if params else translate(text)
