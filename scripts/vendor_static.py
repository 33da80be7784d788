#!/usr/bin/env python3
"""Vendor pinned front-end libraries from the npm registry into ``static/vendor/``.

The site never loads JavaScript or CSS from a CDN at run time. The few
third-party front-end files it needs are copied into the repository under
``static/vendor/<package>/``, and committed there. This script is the only
way those files get there, so the result is reproducible and can be checked.

For each package pinned in ``PACKAGES`` below, the script:

1. fetches its tarball with ``scripts/npm.py`` (shared with the gazetteer's
   build): the registry is npm's own (``npm config get registry``, else
   https://registry.npmjs.org/), its ``dist.integrity`` (a sha512 SRI string)
   must be the one pinned here, and so must the tarball's;
3. extracts only the listed files, plus the licence file(s), into
   ``static/vendor/<package>/``, and deletes any other file in that directory.

It is idempotent: files are only written when their content changes, and a
second run changes nothing. It uses only the Python standard library.

Usage (from the repository root)::

    python3 -m scripts.vendor_static            # download, verify, write files
    python3 -m scripts.vendor_static --check    # exit 1 if static/vendor/ is out of date
    python3 -m scripts.vendor_static --outdated # show newer versions on the registry

Upgrading a package:

1. ``python3 -m scripts.vendor_static --outdated`` prints the registry's
   dist-tags for each package, with the version and integrity value to pin.
   (``npm view leaflet@1.9 version dist.integrity`` also works.)
2. Read the package's changelog. Edit its ``version`` and ``integrity`` in
   ``PACKAGES`` below. If the tarball layout changed, update ``files`` too:
   the script stops if a pattern matches nothing.
3. Run the script, update the version in ``static/vendor/README.md`` (the
   script warns if the README does not mention the pinned version), run the
   tests (including the axe-core browser tests), and commit the script, the
   README and the files under ``static/vendor/`` together.

Adding a package: add an entry to ``PACKAGES``, run the script and add a
row to ``static/vendor/README.md``.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from scripts import npm

REPO_ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = REPO_ROOT / "static" / "vendor"
README = VENDOR_DIR / "README.md"


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    # sha512 SRI of the tarball, as published in the registry's dist.integrity.
    integrity: str
    # Directory inside the package (relative to the tarball's top directory)
    # from which ``files`` are taken. Paths under it are kept as they are,
    # e.g. "dist/images/marker-icon.png" becomes "images/marker-icon.png".
    root: str
    # Glob patterns relative to ``root``. "*" does not match "/".
    files: tuple[str, ...]
    # Licence files, relative to the package's top directory. They are
    # copied to the top of static/vendor/<name>/.
    licenses: tuple[str, ...]


PACKAGES: tuple[Package, ...] = (
    Package(
        name="leaflet",
        version="1.9.4",
        integrity="sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
        root="dist",
        # The .map file is needed because leaflet.js ends with
        # "//# sourceMappingURL=leaflet.js.map": ManifestStaticFilesStorage
        # rewrites that reference and collectstatic fails if the file is missing.
        files=("leaflet.js", "leaflet.js.map", "leaflet.css", "images/*.png"),
        licenses=("LICENSE",),
    ),
    Package(
        name="leaflet.markercluster",
        version="1.5.3",
        integrity="sha512-vPTw/Bndq7eQHjLBVlWpnGeLa3t+3zGiuM7fJwCkiMFq+nmRuG3RI3f7f4N4TDX7T4NpbAXpR2+NTRSEGfCSeA==",
        root="dist",
        files=(
            "leaflet.markercluster.js",
            "leaflet.markercluster.js.map",  # referenced by the .js, see leaflet
            "MarkerCluster.css",
            "MarkerCluster.Default.css",
        ),
        licenses=("MIT-LICENCE.txt",),
    ),
    Package(
        name="axe-core",
        version="4.14.1",
        integrity="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        root="",
        files=("axe.min.js",),
        # axe.min.js bundles third-party MIT code, whose notices are here.
        licenses=("LICENSE", "LICENSE-3RD-PARTY.txt"),
    ),
)


# --------------------------------------------------------------------------
# Tarball extraction


def match(path: str, pattern: str) -> bool:
    """Glob match where "*" stays within one path segment."""
    parts, pattern_parts = path.split("/"), pattern.split("/")
    return len(parts) == len(pattern_parts) and all(
        fnmatch.fnmatchcase(part, pat) for part, pat in zip(parts, pattern_parts, strict=True)
    )


def select_files(package: Package, tarball: bytes) -> dict[str, bytes]:
    """Return {destination path relative to static/vendor/<name>/: content}."""
    members = npm.tarball_files(tarball)

    selected: dict[str, bytes] = {}
    prefix = package.root.strip("/") + "/" if package.root.strip("/") else ""
    for pattern in package.files:
        hits = [
            path
            for path in members
            if path.startswith(prefix) and match(path[len(prefix) :], pattern)
        ]
        if not hits:
            raise npm.NpmError(
                f"{package.name}@{package.version}: no file matches {prefix}{pattern}"
            )
        for path in hits:
            selected[path[len(prefix) :]] = members[path]
    for licence in package.licenses:
        if licence not in members:
            raise npm.NpmError(
                f"{package.name}@{package.version}: licence file {licence} not found"
            )
        destination = PurePosixPath(licence).name
        if destination in selected and selected[destination] != members[licence]:
            raise npm.NpmError(
                f"{package.name}: licence file {destination} clashes with a vendored file"
            )
        selected[destination] = members[licence]
    return selected


# --------------------------------------------------------------------------
# Writing


def plan(target: Path, wanted: dict[str, bytes]) -> tuple[list[str], list[str]]:
    """Return (files to write, files to delete), as paths relative to target."""
    to_write = []
    for relative, content in sorted(wanted.items()):
        path = target / relative
        if not path.is_file() or path.read_bytes() != content:
            to_write.append(relative)
    to_delete = []
    if target.is_dir():
        for path in sorted(target.rglob("*")):
            relative = path.relative_to(target).as_posix()
            if (path.is_file() or path.is_symlink()) and relative not in wanted:
                to_delete.append(relative)
    return to_write, to_delete


def write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def apply(
    target: Path, wanted: dict[str, bytes], to_write: list[str], to_delete: list[str]
) -> None:
    for relative in to_write:
        write_atomic(target / relative, wanted[relative])
    for relative in to_delete:
        (target / relative).unlink()
    # Remove directories left empty by deletions.
    for directory in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()


def check_readme() -> list[str]:
    if not README.is_file():
        return [f"{README.relative_to(REPO_ROOT)} is missing"]
    text = README.read_text(encoding="utf-8")
    return [
        f"{README.relative_to(REPO_ROOT)} does not mention {package.name} {package.version}"
        for package in PACKAGES
        if package.version not in text or package.name not in text
    ]


def check_stray_directories() -> list[str]:
    known = {package.name for package in PACKAGES}
    if not VENDOR_DIR.is_dir():
        return []
    return [
        f"{path.relative_to(REPO_ROOT)} is not managed by this script (remove it by hand if unused)"
        for path in sorted(VENDOR_DIR.iterdir())
        if path.is_dir() and path.name not in known
    ]


def vendor(check: bool) -> int:
    registry = npm.registry_url()
    print(f"registry: {registry}")
    drift = False
    for package in PACKAGES:
        tarball = npm.fetch_tarball(
            package.name, package.version, package.integrity, registry=registry
        )
        wanted = select_files(package, tarball)
        target = VENDOR_DIR / package.name
        to_write, to_delete = plan(target, wanted)
        label = f"{package.name}@{package.version}"
        if not to_write and not to_delete:
            print(f"{label}: up to date ({len(wanted)} files)")
            continue
        drift = True
        for relative in to_write:
            print(f"{label}: {'outdated' if check else 'write'} {relative}")
        for relative in to_delete:
            print(f"{label}: {'stray' if check else 'delete'} {relative}")
        if not check:
            apply(target, wanted, to_write, to_delete)
    for warning in check_stray_directories() + check_readme():
        print(f"warning: {warning}", file=sys.stderr)
    if check and drift:
        print(
            "static/vendor/ is out of date: run python3 -m scripts.vendor_static", file=sys.stderr
        )
        return 1
    return 0


def outdated() -> int:
    registry = npm.registry_url()
    print(f"registry: {registry}")
    for package in PACKAGES:
        meta = npm.get_json(
            npm.package_url(registry, package.name),
            accept="application/vnd.npm.install-v1+json",  # abbreviated metadata
        )
        tags = meta.get("dist-tags", {})
        print(f"{package.name}: pinned {package.version}")
        for tag, version in sorted(tags.items()):
            marker = "" if version == package.version else "  <- differs"
            integrity = (
                meta.get("versions", {}).get(version, {}).get("dist", {}).get("integrity", "?")
            )
            print(f"  {tag}: {version}  {integrity}{marker}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if static/vendor/ differs from the pinned packages",
    )
    group.add_argument(
        "--outdated",
        action="store_true",
        help="list the registry's dist-tags for each pinned package",
    )
    args = parser.parse_args(argv)
    try:
        if args.outdated:
            return outdated()
        return vendor(check=args.check)
    except npm.NpmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
