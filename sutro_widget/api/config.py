"""Where the API key and URL come from: the same places the official SDK looks.

Users already have these set (``sutro login`` writes ``~/.sutro/config.json``;
CI sets ``SUTRO_API_KEY``), so the widget must find them without being told,
in the SDK's order:

1. explicit arguments;
2. the environment, ``SUTRO_API_KEY`` / ``SUTRO_API_URL``: if either is set the
   config file is ignored entirely, so a key is never paired with another
   deployment's URL;
3. ``~/.sutro/config.json`` (``api_key``, and ``api_url`` or the older ``base_url``);
4. the seed documentation's ``https://api.sutro.sh`` for the URL.

URLs from the environment or the file are normalised to ``<origin>/v1`` as the
SDK does; an explicit ``base_url`` is used exactly as given. This module knows
nothing of HTTP or widgets.
"""

from __future__ import annotations

import ipaddress
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..errors import InsecureURLError

API_KEY_ENV = "SUTRO_API_KEY"
API_URL_ENV = "SUTRO_API_URL"
DEFAULT_BASE_URL = "https://api.sutro.sh"


@dataclass(frozen=True)
class Settings:
    """A resolved key and base URL. The key is kept out of ``repr``."""

    base_url: str
    api_key: str | None = field(default=None, repr=False)


def config_file_path() -> Path:
    """The SDK's config file, under the current user's home directory."""
    return Path.home() / ".sutro" / "config.json"


def resolve_settings(api_key: str | None = None, base_url: str | None = None) -> Settings:
    """Resolve the key and base URL from arguments, environment and config file.

    Raises :class:`InsecureURLError` for ``http://`` to a non-loopback host and
    ``ValueError`` for a URL that is not an absolute HTTP(S) URL.
    """
    env_key = _nonempty(os.environ.get(API_KEY_ENV))
    env_url = _nonempty(os.environ.get(API_URL_ENV))
    if API_KEY_ENV in os.environ or API_URL_ENV in os.environ:
        found_key, found_url = env_key, env_url
    else:
        found_key, found_url = _read_config_file()

    if base_url is not None:
        resolved_url = check_base_url(base_url)
    elif found_url is not None:
        resolved_url = normalize_api_url(found_url)
    else:
        resolved_url = DEFAULT_BASE_URL
    resolved_key = api_key if api_key is not None else found_key
    return Settings(base_url=resolved_url, api_key=resolved_key)


def check_base_url(url: str) -> str:
    """Validate an explicit base URL and return it without a trailing slash.

    The key is sent to this URL, so it must be absolute, carry no credentials,
    and use HTTPS unless the host is loopback.
    """
    value = url.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"The Sutro API URL must be an absolute http(s) URL, not {value!r}.")
    if parts.username is not None or parts.password is not None:
        raise ValueError("The Sutro API URL must not contain a user name or password.")
    if parts.query or parts.fragment:
        raise ValueError("The Sutro API URL must not contain a query string or fragment.")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InsecureURLError(
            f"Refusing plain http:// to {parts.hostname}: the API key would travel unencrypted. "
            "Use https://, or http:// only to localhost / 127.0.0.1."
        )
    return value.rstrip("/")


def normalize_api_url(url: str) -> str:
    """Normalise a deployment URL to ``<origin>/v1``, as the official SDK does."""
    value = check_base_url(url)
    parts = urlsplit(value)
    if parts.path.rstrip("/") not in ("", "/v1"):
        raise ValueError(
            f"The Sutro API URL {value!r} must be a deployment origin or end at its /v1 prefix."
        )
    return urlunsplit((parts.scheme, parts.netloc, "/v1", "", ""))


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback addresses, where plain HTTP is acceptable."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _read_config_file() -> tuple[str | None, str | None]:
    path = config_file_path()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    if not isinstance(document, dict):
        return None, None
    url = _nonempty(document.get("api_url")) or _nonempty(document.get("base_url"))
    return _nonempty(document.get("api_key")), url


def _nonempty(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
