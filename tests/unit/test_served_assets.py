"""A kernel takes the page server's copy of the card's code only when it is exactly this build's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sutro_widget.card import served_assets
from sutro_widget.card.assets import BOARD_ESM, CSS, ESM, build_fingerprint

BASE = f"http://127.0.0.1:8888/user/ana/sutro/static/{build_fingerprint()}/"


@pytest.fixture(autouse=True)
def _inline_again() -> Iterator[None]:
    served_assets.forget()
    yield
    served_assets.forget()


def offer(**changes: object) -> dict[str, object]:
    return {"type": "assets", "base": BASE, "fingerprint": build_fingerprint(), **changes}


def test_cards_are_inline_until_a_page_offers_this_build() -> None:
    assert served_assets.code_for("widget.js", ESM) == (ESM, CSS)
    assert served_assets.take_offer(offer())
    assert served_assets.code_for("widget.js", ESM) == (BASE + "widget.js", "")
    assert served_assets.code_for("board.js", BOARD_ESM) == (BASE + "board.js", "")


@pytest.mark.parametrize(
    "bad",
    [
        offer(fingerprint="0" * 16),  # another build: its code may not match this kernel
        offer(base=BASE.replace(build_fingerprint(), "0" * 16)),
        offer(base=BASE.replace("http://", "javascript://")),
        offer(base=BASE.replace("http://", "file://")),
        offer(base="//127.0.0.1:8888" + BASE.split("8888", 1)[1]),  # not absolute
        offer(base=BASE.replace("127.0.0.1", "user:pw@127.0.0.1")),  # credentials in a URL
        offer(base=BASE + "?x=1"),
        offer(base=BASE + "#x"),
        offer(base=BASE.replace(":8888", ":port")),
        offer(base=BASE.rstrip("/")),
        offer(base=BASE.replace("/sutro/static/", "/elsewhere/")),
        offer(
            base="http://127.0.0.1/" + "a/" * 1000 + f"sutro/static/{build_fingerprint()}/"
        ),  # too long
        offer(base=7),
        offer(type="sync"),
        {"base": BASE, "fingerprint": build_fingerprint()},
        "assets",
        None,
    ],
)
def test_anything_but_exactly_this_build_over_http_is_ignored(bad: object) -> None:
    assert not served_assets.take_offer(bad)
    assert served_assets.code_for("widget.js", ESM) == (ESM, CSS)


def test_a_widget_made_after_the_offer_names_the_module_and_one_before_keeps_its_code() -> None:
    from sutro_widget import JobStatusWidget

    before = JobStatusWidget("job-before", api_key="sk-x", base_url="http://127.0.0.1:9/v1",
                             autostart=False)  # fmt: skip
    before._on_assets_offer(before, offer(), [])  # as the browser sends it
    after = JobStatusWidget("job-after", api_key="sk-x", base_url="http://127.0.0.1:9/v1",
                            autostart=False)  # fmt: skip
    try:
        assert before.get_state()["_esm"] == ESM
        assert before.get_state()["_css"] == CSS
        assert after.get_state()["_esm"] == BASE + "widget.js"
        assert after.get_state()["_css"] == ""
    finally:
        before.close()
        after.close()
