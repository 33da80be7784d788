"""The home page in headless Chromium: bytes and requests before the first marker, time to
the first marker and to the clusters, on loopback and on a slow mobile network; and on a
phone, the time from a tap on "Me localiser" to the first result in view."""

import time
from urllib.parse import urlsplit

from bench.chromium import launch
from bench.measures import Results, ms, warm_every_worker

# 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up (bytes per second for CDP).
SLOW_MOBILE = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
# The map calls performance.mark("first-marker") and ("clusters-drawn"). Without those
# marks, this records when the first marker element and #map[data-ready] appear.
FALLBACK_OBSERVER = """
new MutationObserver(function (_, observer) {
  if (!window.__benchMarker && document.querySelector(".leaflet-marker-icon")) {
    window.__benchMarker = performance.now();
  }
  if (!window.__benchLoaded && document.querySelector("#map[data-ready]")) {
    window.__benchLoaded = performance.now();
  }
  if (window.__benchMarker && window.__benchLoaded) observer.disconnect();
}).observe(document, {childList: true, subtree: true, attributes: true});
"""
MARK = "(name) => (performance.getEntriesByName(name)[0] || {}).startTime"

# A phone as the issue measures it: 360 x 740 CSS pixels, touch, the location granted at once.
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
# From the tap on "Me localiser" to the first frame where the first result's top edge is on
# screen: a capturing listener notes the tap, then every animation frame looks.
TAP_OBSERVER = """
addEventListener("click", function (event) {
  if (!event.target.closest || !event.target.closest("#locate")) return;
  window.__benchTap = performance.now();
  (function look() {
    const first = document.querySelector("#results li");
    const top = first ? first.getBoundingClientRect().top : -1;
    if (first && top >= 0 && top < innerHeight) window.__benchResult = performance.now();
    else requestAnimationFrame(look);
  })();
}, true);
"""


def _wait_for(page, expression: str, timeout_s: float) -> None:
    """Poll ``expression`` every 50 ms. Not ``page.wait_for_function``: it evaluates a
    string in the page, which the Content-Security-Policy (no 'unsafe-eval') blocks."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} not true within {timeout_s} s")
        page.wait_for_timeout(50)


def _load_home(browser, base_url: str, slow: bool, timeout_s: float) -> dict:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    own = urlsplit(base_url).netloc
    blocked, paths = [], []

    def route(route):
        url = urlsplit(route.request.url)
        if url.netloc == own:
            paths.append(url.path + (f"?{url.query}" if url.query else ""))
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.add_init_script(FALLBACK_OBSERVER)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if slow:
        cdp.send("Network.emulateNetworkConditions", SLOW_MOBILE)
    sent: dict[str, float] = {}
    finished: list[tuple[float, int]] = []
    document_sent = []

    def on_sent(event):
        sent.setdefault(event["requestId"], event["timestamp"])
        if event.get("type") == "Document" and not document_sent:
            document_sent.append(event["timestamp"])

    cdp.on("Network.requestWillBeSent", on_sent)
    cdp.on(
        "Network.loadingFinished",
        lambda event: finished.append((event["timestamp"], event["encodedDataLength"])),
    )
    result = {"timed_out": False}
    try:
        page.goto(base_url + "/", wait_until="load", timeout=timeout_s * 1000)
        if not page.evaluate("!!window.L"):
            context.close()
            return {"no_leaflet": True}
        _wait_for(
            page,
            "performance.getEntriesByName('first-marker').length || window.__benchMarker",
            timeout_s,
        )
        first = page.evaluate(MARK, "first-marker")
        if first is None:
            # The mark may come a moment after the marker element.
            page.wait_for_timeout(500)
            first = page.evaluate(MARK, "first-marker")
        result["marks"] = first is not None
        result["first_marker"] = (
            first if first is not None else page.evaluate("window.__benchMarker")
        ) / 1000
        _wait_for(
            page,
            "performance.getEntriesByName('clusters-drawn').length"
            + ("" if result["marks"] else " || window.__benchLoaded"),
            timeout_s,
        )
        drawn = page.evaluate(MARK, "clusters-drawn")
        result["clusters_drawn"] = (
            drawn if drawn is not None else page.evaluate("window.__benchLoaded")
        ) / 1000
    except Exception as error:  # Playwright's TimeoutError, or the page failing
        result["timed_out"] = True
        result["error"] = str(error).splitlines()[0]
    # CDP timestamps are seconds on one monotonic clock; the page's marks are relative to
    # navigation start, which is when the document request is sent (within a millisecond).
    if document_sent and "first_marker" in result:
        cutoff = document_sent[0] + result["first_marker"]
        before = [size for at, size in finished if at <= cutoff]
        result["bytes"] = sum(before)
        result["requests"] = len([at for at in sent.values() if at <= cutoff])
    result["blocked"] = len(blocked)
    result["paths"] = paths
    context.close()
    return result


def _own_host_only(page, base_url: str) -> None:
    """Requests to any other host than the app's are refused: the bench measures the app."""
    own = urlsplit(base_url).netloc
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if urlsplit(route.request.url).netloc == own else route.abort()
        ),
    )


def _tap_locate(browser, base_url: str, where: tuple[float, float], slow: bool, timeout_s: float):
    """Seconds from the tap on "Me localiser" to the first result in view, on a phone.
    "Open now only" is unticked first, so that the answer is a list at any hour of the run."""
    lat, lon = where
    context = browser.new_context(
        locale="fr-FR",
        geolocation={"latitude": lat, "longitude": lon},
        permissions=["geolocation"],
        **PHONE,
    )
    page = context.new_page()
    _own_host_only(page, base_url)
    page.add_init_script(TAP_OBSERVER)
    if slow:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_MOBILE)
    try:
        page.goto(base_url + "/", wait_until="load", timeout=timeout_s * 1000)
        page.evaluate("document.getElementById('filter-open-now').checked = false")
        page.locator("#locate").tap(timeout=timeout_s * 1000)
        _wait_for(page, "window.__benchResult !== undefined", timeout_s)
        return page.evaluate("window.__benchResult - window.__benchTap") / 1000, None
    except Exception as error:  # Playwright's TimeoutError, or the page failing
        return None, str(error).splitlines()[0]
    finally:
        context.close()


def measure_locate(results: Results, base_url: str, where: tuple[float, float], timeout_s=30):
    from playwright.sync_api import sync_playwright

    section = "3. home page"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            _tap_locate(browser, base_url, where, slow=False, timeout_s=timeout_s)  # warm-up
            runs = {
                name: _tap_locate(browser, base_url, where, slow=slow, timeout_s=timeout_s)
                for name, slow in (("loopback", False), ("slow mobile", True))
            }
        finally:
            browser.close()
    for (name, (seconds, problem)), target in zip(runs.items(), (1.0, 2.5), strict=True):
        figure = f"tap on Me localiser to the first result in view, 360 px ({name})"
        if seconds is None:
            results.add(section, figure, "no result in view", f"< {target} s", False, problem)
        else:
            results.add(section, figure, ms(seconds), f"< {target} s", seconds < target)


def _offline_reloads(browser, base_url: str, timeout_s: float) -> tuple[list[float], str | None]:
    """Milliseconds from each of three offline reloads' start to the kept places on screen
    (the page's "offline-shown" mark), on a phone whose service worker kept the shell and
    whose last search (Lyon) kept its places."""
    context = browser.new_context(locale="fr-FR", service_workers="allow", **PHONE)
    page = context.new_page()
    _own_host_only(page, base_url)
    try:
        page.goto(base_url + "/", wait_until="load", timeout=timeout_s * 1000)
        _wait_for(page, "navigator.serviceWorker.controller !== null", timeout_s)
        _wait_for(page, "caches.match('/').then(Boolean)", timeout_s)
        page.goto(base_url + "/#q=Lyon", wait_until="load", timeout=timeout_s * 1000)
        _wait_for(page, "keptPlaces.all().then((kept) => kept.length > 0)", timeout_s)
        context.set_offline(True)
        times = []
        for _ in range(3):
            page.reload(timeout=timeout_s * 1000)
            _wait_for(page, "performance.getEntriesByName('offline-shown').length > 0", timeout_s)
            times.append(page.evaluate(MARK, "offline-shown"))
        return times, None
    except Exception as error:  # Playwright's TimeoutError, or the page failing
        return [], str(error).splitlines()[0]
    finally:
        context.close()


def measure_offline(results: Results, base_url: str, timeout_s: float = 60) -> None:
    """Offline, a reload shows the places the last search kept: how soon, on a phone
    (loopback; the network plays no part). The best of three reloads, so that the figure
    measures the page rather than another process on the machine."""
    from playwright.sync_api import sync_playwright

    section, figure = "3. home page", "offline reload to the kept places, 360 px (best of 3)"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            times, problem = _offline_reloads(browser, base_url, timeout_s)
        finally:
            browser.close()
    if not times:
        results.add(section, figure, "no kept places shown", "< 500 ms", False, problem)
        return
    best = min(times) / 1000
    note = "reloads: " + ", ".join(ms(t / 1000) for t in times)
    results.add(section, figure, ms(best), "< 500 ms", best < 0.5, note)


def measure_home(results: Results, base_url: str, workers: int, timeout_s: float = 60) -> None:
    from playwright.sync_api import sync_playwright

    section = "3. home page"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            # A first, unmeasured visit, whose every request is then made on every worker:
            # the server's caches and workers warm, as they are for every visitor but the
            # first ones after a start or a change (the tiles are cached per worker
            # unless REDIS_URL is set).
            warm_up = _load_home(browser, base_url, slow=False, timeout_s=timeout_s)
            for path in dict.fromkeys(warm_up.get("paths", [])):
                warm_every_worker(base_url, path, workers, {})
            runs = {
                "loopback": _load_home(browser, base_url, slow=False, timeout_s=timeout_s),
                "slow mobile": _load_home(browser, base_url, slow=True, timeout_s=timeout_s),
            }
        finally:
            browser.close()
    results.details["home"] = runs
    if runs["loopback"].get("no_leaflet"):
        why = "Leaflet did not load: static files not served (WhiteNoise, security branch)"
        for name, target in (("loopback", "< 1 s"), ("slow mobile", "< 3 s")):
            results.missing(section, f"first marker ({name})", target, why)
        results.missing(section, "bytes before the first marker", "≤ 150 KB", why)
        return
    for name, target in (("loopback", 1.0), ("slow mobile", 3.0)):
        run = runs[name]
        if "first_marker" not in run:
            why = run.get("error", "no marker")
            results.add(
                section,
                f"first marker ({name})",
                f"none within {timeout_s:.0f} s",
                f"< {target:.0f} s",
                False,
                note=why,
            )
            continue
        how = "performance mark" if run["marks"] else "fallback: first .leaflet-marker-icon"
        results.add(
            section,
            f"first marker ({name})",
            ms(run["first_marker"]),
            f"< {target:.0f} s",
            run["first_marker"] < target,
            note=how,
        )
        if "clusters_drawn" in run:
            how = "performance mark" if run["marks"] else "fallback: #map[data-ready]"
            results.add(section, f"clusters drawn ({name})", ms(run["clusters_drawn"]), note=how)
        else:
            results.add(section, f"clusters drawn ({name})", f"not within {timeout_s:.0f} s")
    loopback = runs["loopback"]
    if "bytes" in loopback:
        results.add(
            section,
            "bytes before the first marker",
            f"{loopback['bytes'] / 1000:,.0f} KB",
            "≤ 150 KB",
            loopback["bytes"] <= 150_000,
            note=f"{loopback['requests']} requests, {loopback['blocked']} tile requests blocked",
        )
        results.add(section, "requests before the first marker", str(loopback["requests"]))
    else:
        results.add(section, "bytes before the first marker", "no first marker", "≤ 150 KB", False)
