"""Where the API key and URL come from: the same places the official SDK looks.

Users already have these set (``sutro login`` writes ``~/.sutro/config.json``;
CI sets ``SUTRO_API_KEY``), so the widget must find them without being told,
in the SDK's order:

1. explicit arguments;
2. the environment, ``SUTRO_API_KEY`` / ``SUTRO_API_URL``: if either is set the
   config file is ignored entirely, so a key is never paired with another
   deployment's URL;
   a saved key is reused only for the deployment it was saved with (same
   origin), never sent to another one given as ``base_url``;
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


#: Why there is no key, when nothing was found anywhere.
NO_KEY = "No Sutro API key found: pass api_key=..., set SUTRO_API_KEY, or run `sutro login`."


@dataclass(frozen=True)
class Settings:
    """A resolved key and base URL. The key is kept out of ``repr``.

    ``no_key_reason`` is the sentence to show when ``api_key`` is ``None``:
    nothing was configured, or a saved key was withheld because it belongs
    to another deployment.
    """

    base_url: str
    api_key: str | None = field(default=None, repr=False)
    no_key_reason: str = NO_KEY


def config_file_path() -> Path:
    """The SDK's config file, under the current user's home directory."""
    return Path.home() / ".sutro" / "config.json"


def resolve_settings(api_key: str | None = None, base_url: str | None = None) -> Settings:
    """Resolve the key and base URL from arguments, environment and config file.

    A key found in the environment or the file travels only with its own
    deployment: it is used for an explicit ``base_url`` only when that URL
    has the same origin as the URL saved beside it (a key saved without a
    URL belongs to :data:`DEFAULT_BASE_URL`; ``SUTRO_API_KEY`` alone, with no
    ``SUTRO_API_URL``, names no deployment and pairs with any explicit URL).
    An explicit ``api_key`` with no ``base_url`` uses the configured URL.

    Raises :class:`InsecureURLError` for ``http://`` to a non-loopback host and
    ``ValueError`` for a URL that is not an absolute HTTP(S) URL.
    """
    from_env = API_KEY_ENV in os.environ or API_URL_ENV in os.environ
    if from_env:
        found_key = _nonempty(os.environ.get(API_KEY_ENV))
        found_url = _nonempty(os.environ.get(API_URL_ENV))
    else:
        found_key, found_url = _read_config_file()
    if base_url is None:
        configured_url = _configured(found_url)
        return Settings(
            base_url=configured_url, api_key=api_key if api_key is not None else found_key
        )
    resolved_url = check_base_url(base_url)
    if api_key is not None or found_key is None:
        return Settings(base_url=resolved_url, api_key=api_key)
    if from_env and found_url is None:
        return Settings(base_url=resolved_url, api_key=found_key)
    try:
        configured_url = _configured(found_url)
    except ValueError:  # a broken saved URL names no deployment to match
        configured_url = "invalid:"
    if same_origin(resolved_url, configured_url):
        return Settings(base_url=resolved_url, api_key=found_key)
    where = f"{API_KEY_ENV} / {API_URL_ENV}" if from_env else str(config_file_path())
    reason = (
        f"The Sutro API key in {where} belongs to {origin(configured_url)}, not "
        f"{origin(resolved_url)}, so it is not sent there: pass api_key=... for this deployment."
    )
    return Settings(base_url=resolved_url, api_key=None, no_key_reason=reason)


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url``, lower-cased, default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme, 0)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def same_origin(first: str, second: str) -> bool:
    """Whether two URLs name the same deployment (scheme, host and port)."""
    return origin(first) == origin(second)


def check_base_url(url: str) -> str:
    """Validate an explicit base URL and return it without a trailing slash.

    The key is sent to this URL, so it must be absolute, carry no credentials,
    and use HTTPS unless the host is loopback. Everything a later request
    would trip over is refused here, with a sentence, at the call site.
    """
    value = url.strip()
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise ValueError(
            f"The Sutro API URL {value!r} contains a space, tab, line break or control "
            "character: copy it again."
        )
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"The Sutro API URL must be an absolute http(s) URL, not {value!r}.")
    if parts.username is not None or parts.password is not None:
        raise ValueError("The Sutro API URL must not contain a user name or password.")
    if "?" in value or "#" in value:
        raise ValueError("The Sutro API URL must not contain a query string or fragment.")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 0 < port < 65536:
        raise ValueError(f"The Sutro API URL {value!r} has no valid port (1 to 65535).")
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


def _configured(found_url: str | None) -> str:
    return normalize_api_url(found_url) if found_url is not None else DEFAULT_BASE_URL


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
