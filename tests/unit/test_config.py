"""Key and URL resolution, with a temporary HOME and a clean environment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sutro_widget import InsecureURLError
from sutro_widget.api.config import DEFAULT_BASE_URL, normalize_api_url, resolve_settings


@pytest.fixture(autouse=True)
def clean_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("SUTRO_API_KEY", raising=False)
    monkeypatch.delenv("SUTRO_API_URL", raising=False)
    return tmp_path


def write_config(home: Path, document: object) -> None:
    folder = home / ".sutro"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(document))


def test_nothing_configured_uses_the_seed_url_and_no_key() -> None:
    settings = resolve_settings()
    assert settings.base_url == DEFAULT_BASE_URL
    assert settings.api_key is None


def test_config_file_is_read(clean_home: Path) -> None:
    write_config(clean_home, {"api_key": "file-key", "api_url": "https://acme.sutro.sh"})
    settings = resolve_settings()
    assert settings.api_key == "file-key"
    assert settings.base_url == "https://acme.sutro.sh/v1"


def test_older_config_files_use_base_url(clean_home: Path) -> None:
    write_config(clean_home, {"api_key": "k", "base_url": "https://old.example/v1/"})
    assert resolve_settings().base_url == "https://old.example/v1"


def test_environment_beats_the_file_and_ignores_it_entirely(
    clean_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(clean_home, {"api_key": "file-key", "api_url": "https://file.example"})
    monkeypatch.setenv("SUTRO_API_URL", "https://env.example")
    settings = resolve_settings()
    assert settings.base_url == "https://env.example/v1"
    assert settings.api_key is None  # never borrowed from the file for another deployment


def test_environment_key_alone_keeps_the_default_url(
    clean_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(clean_home, {"api_key": "file-key", "api_url": "https://file.example"})
    monkeypatch.setenv("SUTRO_API_KEY", "env-key")
    settings = resolve_settings()
    assert settings.api_key == "env-key"
    assert settings.base_url == DEFAULT_BASE_URL


def test_explicit_arguments_win_and_base_url_is_used_as_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUTRO_API_KEY", "env-key")
    monkeypatch.setenv("SUTRO_API_URL", "https://env.example")
    settings = resolve_settings(api_key="arg-key", base_url="https://proxy.example/sutro/")
    assert settings.api_key == "arg-key"
    assert settings.base_url == "https://proxy.example/sutro"


def test_the_key_is_not_in_repr() -> None:
    assert "secret-123" not in repr(resolve_settings(api_key="secret-123"))


def test_broken_config_file_is_ignored(clean_home: Path) -> None:
    folder = clean_home / ".sutro"
    folder.mkdir()
    (folder / "config.json").write_text("{not json")
    assert resolve_settings().api_key is None


@pytest.mark.parametrize(
    "url", ["http://api.sutro.sh", "http://10.0.0.5:8000", "http://example.com/v1"]
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(InsecureURLError, match="https"):
        resolve_settings(api_key="k", base_url=url)


@pytest.mark.parametrize(
    "url", ["http://localhost:8765", "http://127.0.0.1:1/v1", "http://[::1]:9000"]
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert resolve_settings(api_key="k", base_url=url).base_url == url.rstrip("/")


@pytest.mark.parametrize(
    "url", ["ftp://x", "api.sutro.sh", "https://user:pw@x.example", "https://x.example/?a=1"]
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        resolve_settings(base_url=url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.sutro.sh", "https://acme.sutro.sh/v1"),
        ("https://acme.sutro.sh/", "https://acme.sutro.sh/v1"),
        ("https://acme.sutro.sh/v1/", "https://acme.sutro.sh/v1"),
    ],
)
def test_deployment_urls_are_normalised_like_the_sdk(url: str, expected: str) -> None:
    assert normalize_api_url(url) == expected


def test_deployment_url_with_another_path_is_refused() -> None:
    with pytest.raises(ValueError, match="/v1"):
        normalize_api_url("https://acme.sutro.sh/api")
