"""The Python <-> browser contract: card states, their looks, and the synced traits.

Both sides declare them (Python for the traits and the saved notebook's static
card, TypeScript for the live card). This test reads the TypeScript sources and
fails when one side alone gains, loses or changes a state, a look or a trait.
"""

from __future__ import annotations

import re
from pathlib import Path

import traitlets

from sutro_widget.api.shapes import JobStatus
from sutro_widget.card.host_widget import HostWidget
from sutro_widget.card.looks import LOOKS
from sutro_widget.card.state import CARD_STATES, SYNCED_FIELDS
from sutro_widget.card.view import CardView

JS = Path(__file__).resolve().parents[2] / "js"

_LOOK_LINE = re.compile(r'^\s*"?([a-z-]+)"?:\s*\{\s*icon:\s*"([^"]*)",\s*word:\s*"([^"]*)"', re.M)
_TRAIT_LINE = re.compile(r"^\s*(\w+)\??:\s*([^;]+);", re.M)


def ts_looks() -> dict[str, tuple[str, str]]:
    source = (JS / "states.ts").read_text(encoding="utf-8")
    table = source.split("const LOOKS", 1)[1].split("};", 1)[0]
    return {name: (_unescape(icon), word) for name, icon, word in _LOOK_LINE.findall(table)}


def ts_traits() -> dict[str, str]:
    source = (JS / "model.ts").read_text(encoding="utf-8")
    body = source.split("export interface Traits {", 1)[1].split("\n}", 1)[0]
    body = re.sub(r"/\*\*.*?\*/|//[^\n]*", "", body, flags=re.S)
    return {name: _ts_kind(kind.strip()) for name, kind in _TRAIT_LINE.findall(body)}


def py_traits() -> dict[str, str]:
    kinds = {
        traitlets.Unicode: "string",
        traitlets.Bool: "boolean",
        traitlets.Float: "number",
        traitlets.Int: "number",
        traitlets.Dict: "object",
        traitlets.List: "array",
    }
    traits = {**HostWidget.class_own_traits(sync=True), **CardView.class_own_traits(sync=True)}
    return {
        name: next(kind for cls, kind in kinds.items() if isinstance(trait, cls))
        for name, trait in traits.items()
        if not name.startswith("_")
    }


def _ts_kind(kind: str) -> str:
    if kind in ("string", "boolean", "number"):
        return kind
    if kind.endswith("[]") or kind.startswith("Array<"):
        return "array"
    return "object"


def _unescape(text: str) -> str:
    return re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m.group(1), 16)), text)


def test_python_knows_a_look_for_every_card_state_and_no_other() -> None:
    assert set(LOOKS) == set(CARD_STATES)
    assert {s.value for s in JobStatus} <= set(CARD_STATES)


def test_typescript_has_the_same_states_icons_and_words() -> None:
    assert ts_looks() == {name: (look.icon, look.word) for name, look in LOOKS.items()}


def test_typescript_declares_every_synced_trait_with_the_same_kind() -> None:
    assert ts_traits() == py_traits()


def test_the_reducer_fields_are_traits() -> None:
    assert set(SYNCED_FIELDS) <= set(py_traits())


def test_the_parsers_read_something() -> None:
    # A guard on the guards: a reformatted TS file must not make the tests pass vacuously.
    assert len(ts_looks()) >= 16
    assert len(ts_traits()) >= 18


def test_every_widget_names_its_views_with_a_key_the_browser_reads() -> None:
    # js/view-memory.ts keeps what a user opened across a host's redraw, by this key.
    from sutro_widget import JobBoard

    boards = [JobBoard([]) for _ in range(3)]
    try:
        keys = [board.get_state("_view_key")["_view_key"] for board in boards]
    finally:
        for board in boards:
            board.close()
    assert len(set(keys)) == 3 and all(len(key) >= 16 for key in keys), keys
    assert '"_view_key"' in (JS / "view-memory.ts").read_text(encoding="utf-8")
