"""The docs and comments name modules that exist: after a move (the partners app split by
audience), a reader sent to a module that moved finds nothing, and an operator greps the
task results for an exception's old dotted name."""

import importlib
import re
import subprocess

from django.conf import settings

ROOT = settings.BASE_DIR
SOURCES = (".py", ".md", ".html", ".txt", ".conf", ".sh", ".yaml", ".toml", ".js", "Makefile")
PACKAGES = r"(?:partners|enlieusur|gazetteer|scripts|bench|tests)"
# A file path ("partners/domain/links.py") or a dotted name of two dots or more
# ("partners.services.emails.deliver"; one dot is as often a variable's attribute), not in
# quotes (signing salts are names of their own) nor followed by a hyphen.
FILE = re.compile(rf"(?<![\w/.-]){PACKAGES}(?:/\w+)*\.py\b")
DOTTED = re.compile(r"(?<![\w/.'\"-])(?:partners|enlieusur)(?:\.\w+){2,}(?![\w-])")
# Dotted names that are not Python: file names.
NOT_PYTHON = re.compile(r"\.(?:geojson|gz|json|conf)\b")


def _git_files() -> list[str]:
    return subprocess.run(
        ["git", "ls-files"],  # noqa: S607 (git from PATH)
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def _tracked_files():
    for name in _git_files():
        # Migrations record the past.
        if "/migrations/" in name:
            continue
        if name.endswith(SOURCES) and (ROOT / name).is_file():
            yield name


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_every_module_named_in_the_docs_and_comments_exists():
    missing = []
    for name in _tracked_files():
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            missing += [
                f"{name}:{number}: {path}"
                for path in FILE.findall(line)
                if not (ROOT / path).exists()
            ]
            missing += [
                f"{name}:{number}: {dotted}"
                # In a template, "partners.0.pk" is a variable, not a module.
                for dotted in ([] if name.endswith(".html") else DOTTED.findall(line))
                if not NOT_PYTHON.search(dotted) and not _resolves(dotted)
            ]
    assert missing == []


def test_the_readmes_layout_names_every_package_and_top_level_folder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    folders = {f"{path.parent.relative_to(ROOT)}/" for path in ROOT.glob("partners/*/__init__.py")}
    folders |= {f"{name.split('/', 1)[0]}/" for name in _git_files() if "/" in name}
    hidden = {folder for folder in folders if folder.startswith(".")}
    assert sorted(folder for folder in folders - hidden if f"`{folder}" not in layout) == []
