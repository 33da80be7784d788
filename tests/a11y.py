"""Accessibility checks in the browser with axe-core (vendored, see static/vendor/README.md)."""

# Loaded from our own origin: the Content-Security-Policy forbids injected inline scripts.
AXE_URL = "/static/vendor/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page) -> list[tuple[str, list]]:
    """WCAG 2.2 AA (and best-practice) violations on the current page, as (rule, targets)."""
    page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: tags})).violations", WCAG_TAGS
    )
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
