"""A key travels only with its own deployment: every argument / environment / file mix.

Before, ``~/.sutro/config.json`` holding a key for deployment A and
``SutroClient(base_url=B)`` sent A's key to B. The SDK's rule: a saved key is
reused only when the URL in use is that key's deployment; a partial
environment pair never borrows from the file; an explicit key with no URL may
use the configured URL. Also here: URLs refused at the call site.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sutro_widget import AuthenticationError, SutroClient
from sutro_widget.api.config import DEFAULT_BASE_URL, check_base_url, resolve_settings

A = "https://a.example.com"
B = "https://b.example.com"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SUTRO_API_KEY", raising=False)
    monkeypatch.delenv("SUTRO_API_URL", raising=False)
    return tmp_path


def save(home: Path, **document: str) -> None:
    folder = home / ".sutro"
    folder.mkdir(exist_ok=True)
    (folder / "config.json").write_text(json.dumps(document))


# (argument key, argument URL, env key, env URL, file key, file URL) -> (key, URL)
CASES = [
    # Nothing, or the file alone.
    ((None, None, None, None, None, None), (None, DEFAULT_BASE_URL)),
    ((None, None, None, None, "K1", A), ("K1", A + "/v1")),
    ((None, None, None, None, "K1", None), ("K1", DEFAULT_BASE_URL)),
    # A URL argument: the file's key only for the file's own deployment.
    ((None, B, None, None, "K1", A), (None, B)),
    ((None, A + "/v1", None, None, "K1", A), ("K1", A + "/v1")),
    (
        (None, "HTTPS://A.example.com:443/", None, None, "K1", A),
        ("K1", "HTTPS://A.example.com:443"),
    ),
    (
        (None, "https://a.example.com:8443", None, None, "K1", A),
        (None, "https://a.example.com:8443"),
    ),
    ((None, "http://127.0.0.1:9", None, None, "K1", A), (None, "http://127.0.0.1:9")),
    ((None, B, None, None, "K1", None), (None, B)),  # a URL-less saved key is the default's
    ((None, DEFAULT_BASE_URL, None, None, "K1", None), ("K1", DEFAULT_BASE_URL)),
    # A key argument: used with whatever URL is configured, or given.
    (("K2", None, None, None, "K1", A), ("K2", A + "/v1")),
    (("K2", B, None, None, "K1", A), ("K2", B)),
    (("K2", None, None, None, None, None), ("K2", DEFAULT_BASE_URL)),
    (("K2", None, None, A, "K1", B), ("K2", A + "/v1")),
    # The environment: a pair, a partial pair (never borrowing from the file).
    ((None, None, "E1", A, "K1", B), ("E1", A + "/v1")),
    ((None, None, None, A, "K1", A), (None, A + "/v1")),
    ((None, None, "E1", None, "K1", A), ("E1", DEFAULT_BASE_URL)),
    ((None, B, "E1", A, "K1", B), (None, B)),  # env key is A's, not B's (nor the file's)
    ((None, A, "E1", A, None, None), ("E1", A)),
    ((None, B, "E1", None, "K1", A), ("E1", B)),  # SUTRO_API_KEY alone names no deployment
    ((None, B, None, A, "K1", B), (None, B)),  # partial env: the file is ignored entirely
    (("K2", B, "E1", A, "K1", A), ("K2", B)),
]


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_every_combination_pairs_keys_with_their_deployment(
    home: Path,
    monkeypatch: pytest.MonkeyPatch,
    given: tuple[str | None, ...],
    expected: tuple[str | None, str],
) -> None:
    arg_key, arg_url, env_key, env_url, file_key, file_url = given
    if env_key is not None:
        monkeypatch.setenv("SUTRO_API_KEY", env_key)
    if env_url is not None:
        monkeypatch.setenv("SUTRO_API_URL", env_url)
    if file_key is not None:
        save(home, api_key=file_key, **({"api_url": file_url} if file_url else {}))
    settings = resolve_settings(api_key=arg_key, base_url=arg_url)
    assert (settings.api_key, settings.base_url) == expected


def test_a_withheld_key_is_explained_without_the_key(home: Path) -> None:
    save(home, api_key="secret-for-a", api_url=A)
    client = SutroClient(base_url=B)
    with pytest.raises(AuthenticationError) as caught:
        client.build_status_request("job-1")
    message = str(caught.value)
    assert "belongs to https://a.example.com:443" in message
    assert "https://b.example.com:443" in message and "api_key=" in message
    assert "secret" not in message


def test_a_broken_saved_url_never_pairs(home: Path) -> None:
    save(home, api_key="K1", api_url="ftp://nowhere")
    assert resolve_settings(base_url=B).api_key is None


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://local\thost:8000", "tab"),
        ("https://a.example.com\n", None),  # trailing whitespace is only stripped
        ("https://a.exa mple.com", "space"),
        ("https://a.example.com/#", "fragment"),
        ("https://a.example.com/?", "query"),
        ("https://a.example.com/v1#x", "fragment"),
        ("http://127.0.0.1:99999", "port"),
        ("http://127.0.0.1:0", "port"),
        ("https://a.example.com:http", "port"),
    ],
)
def test_urls_that_would_fail_later_are_refused_now(url: str, words: str | None) -> None:
    if words is None:
        assert check_base_url(url) == url.strip()
        return
    with pytest.raises(ValueError, match=words):
        check_base_url(url)
