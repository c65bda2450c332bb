"""Headless Chromium (Debian's /usr/bin/chromium via Playwright) and the report-test sample artifacts."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("DISTROSHIFT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
_SAMPLES = Path(__file__).resolve().parents[2] / "unit" / "reports" / "report_samples.py"


@pytest.fixture(scope="session")
def samples():
    spec = importlib.util.spec_from_file_location("distroshift_report_samples", _SAMPLES)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium); browser tests need a real Chromium")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watched:
    """A page plus everything it did that a self-contained, inert report must never do."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))


@pytest.fixture
def open_report(chromium):
    contexts = []

    def _open(path: Path, javascript: bool = True) -> Watched:
        ctx = chromium.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=javascript)
        contexts.append(ctx)
        page = ctx.new_page()
        w = Watched(page)
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        return w

    yield _open
    for c in contexts:
        c.close()
