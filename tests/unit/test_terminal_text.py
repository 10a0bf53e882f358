"""Terminal text helpers: widths as a terminal counts them, safe server text, tqdm's clocks."""

from __future__ import annotations

import math

import pytest

from sutro_widget.terminal.text import (
    clip_to_width,
    display_width,
    format_clock,
    format_rate,
    safe_text,
)


def test_widths_are_counted_in_terminal_columns() -> None:
    assert display_width("Running") == 7
    assert display_width("\u25b6\ufe0e") == 1  # the variation selector takes no column
    assert display_width("\u5831\u544a") == 4  # wide characters take two
    assert display_width("e\u0301") == 1  # a combining accent sits on its letter


@pytest.mark.parametrize("width", range(0, 12))
def test_clipping_never_exceeds_the_width_and_says_it_cut(width: int) -> None:
    for text in ["Summarise tickets", "\u5831\u544a\u66f8\u306e\u8981\u7d04"]:
        clipped = clip_to_width(text, width)
        assert display_width(clipped) <= width
        if clipped != text and width > 0:
            assert clipped.endswith("\u2026")


def test_clipping_leaves_text_that_fits_alone() -> None:
    assert clip_to_width("abc", 3) == "abc"
    assert clip_to_width("abcd", 3) == "ab\u2026"


def test_safe_text_drops_every_control_character_and_keeps_the_words() -> None:
    assert safe_text("a\x1b[31mb\x07c\x9bd\x7fe\r\nf\u2028g") == "a [31mb c d e f g"
    assert safe_text("  plain   words ") == "plain words"
    assert safe_text("caf\u00e9 \u5831\u544a") == "caf\u00e9 \u5831\u544a"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "?"),
        (math.inf, "?"),
        (-4, "00:00"),
        (0, "00:00"),
        (61, "01:01"),
        (124.4, "02:04"),
        (3599.6, "1:00:00"),
        (3725, "1:02:05"),
    ],
)
def test_clocks_read_like_tqdm(seconds: float | None, expected: str) -> None:
    assert format_clock(seconds) == expected


def test_rates_read_like_tqdm() -> None:
    assert format_rate(10.66) == "10.7 rows/s"
    assert format_rate(1234.0) == "1.2k rows/s"
    assert format_rate(None) == "? rows/s"
    assert format_rate(math.nan) == "? rows/s"
