"""The course in a real browser (``make test-browser``): JupyterLab on loopback with a token,
each notebook opened in headless Chromium through Playwright, checked to render with its
stored figures and without an error, and a screenshot saved under ``build/screenshots/``;
then the same for one exported slide deck (``make slides``), which must load nothing from
the network.

Chromium is Debian's ``chromium`` package (``make test-browser`` installs it where missing);
Playwright drives it through ``executable_path``, so no browser is downloaded.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SHOTS = ROOT / "build" / "screenshots"
DECKS = ROOT / "build" / "slides"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("no Chromium found; `make test-browser` installs Debian's `chromium` package "
                "(apt-get install chromium) where it is missing.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stored_images(path: Path) -> int:
    """The stored figures JupyterLab shows: those of cells whose outputs are not collapsed
    (a worked solution's are, until the student opens it)."""
    nb = nbformat.read(path, as_version=4)
    return sum("image/png" in out.get("data", {})
               for cell in nb.cells if cell.cell_type == "code"
               and not cell.metadata.get("jupyter", {}).get("outputs_hidden")
               for out in cell.outputs)


def _has_math(path: Path) -> bool:
    nb = nbformat.read(path, as_version=4)
    return any("$" in cell.source for cell in nb.cells if cell.cell_type == "markdown")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_chromium(), headless=True,
                              args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 with a random token; every cell rendered at once
    (windowing off), so the stored figures of the whole notebook are in the page."""
    settings = tmp_path_factory.mktemp("lab-settings")
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    news = settings / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path_factory.mktemp("workspaces")),
               JUPYTER_RUNTIME_DIR=str(tmp_path_factory.mktemp("runtime")))
    log = (tmp_path_factory.mktemp("lab-log") / "lab.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={ROOT}", "--ServerApp.open_browser=False",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                pytest.fail(f"JupyterLab did not start on {base} (see {log.name})")
            time.sleep(0.5)
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_renders_in_jupyterlab(browser, lab, path):
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A workspace of its own, reset: only this notebook is open.
    page.goto(f"{base}/lab/workspaces/{path.stem}/tree/notebooks/{path.name}?reset&token={token}",
              wait_until="domcontentloaded")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell", timeout=90_000)
    expected = _stored_images(path)
    assert expected >= 3, f"{path.name} has {expected} stored figures; expected its outputs"
    images = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img")
    page.wait_for_function(
        f"document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img').length >= {expected}",
        timeout=60_000)
    assert images.count() >= expected
    # Every figure decoded (not a broken image), and no error output or error dialog.
    broken = page.evaluate("""[...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img')]
                              .filter(i => !(i.complete && i.naturalWidth > 0)).length""")
    assert broken == 0
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr'] .ansi-red-fg").count() == 0
    assert page.locator(".jp-Dialog").count() == 0, page.locator(".jp-Dialog").inner_text()
    # Math typeset by MathJax, and none of it an error (MathJax 3 draws a formula it cannot
    # parse — an unbalanced \\left/\\right, say — as <mjx-merror> in red)
    if _has_math(path):
        page.wait_for_function(
            "document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) mjx-container').length > 0",
            timeout=60_000)
        page.wait_for_timeout(1500)   # let MathJax finish the remaining cells
    bad = page.evaluate("""[...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) mjx-merror')]
                           .map(e => e.getAttribute('data-mjx-error') || e.textContent)""")
    assert bad == [], f"{path.name}: MathJax errors {bad}"
    heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1").first
    assert heading.inner_text().startswith(path.stem[:2]), heading.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"lab_{path.stem}.png"))
    assert not errors, errors
    page.close()


def test_exported_slide_deck_renders_offline(browser):
    deck = DECKS / f"{NOTEBOOKS[0].stem}.slides.html"
    assert deck.is_file(), f"{deck} is missing; `make test-browser` runs `make slides` first"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    remote: list[str] = []

    def block_network(route):
        remote.append(route.request.url)
        route.abort()

    page.route("http://**/*", block_network)
    page.route("https://**/*", block_network)
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)
    assert page.locator(".reveal .slides > section").count() >= 5
    assert page.locator(".reveal .slides img").count() >= 3       # the stored figures
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"deck_{NOTEBOOKS[0].stem}_title.png"))
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / f"deck_{NOTEBOOKS[0].stem}_slide2.png"))
    assert remote == [], f"the deck tried to load from the network: {remote}"
    page.close()


SITE = ROOT / "build" / "site"


def _offline_page(browser, remote: list[str]):
    """A page whose every http(s) request is recorded and refused."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})

    def block_network(route):
        remote.append(route.request.url)
        route.abort()

    page.route("http://**/*", block_network)
    page.route("https://**/*", block_network)
    return page


def test_website_landing_notebook_page_and_search_work_offline(browser):
    """The website of `make site` (which `make test-browser` builds): the landing page lists
    every notebook, a notebook page shows its stored figures and typeset math, the search
    finds a term of the lessons — and nothing is loaded from the network."""
    index = SITE / "index.html"
    assert index.is_file(), f"{index} is missing; `make test-browser` runs `make site` first"
    remote: list[str] = []
    errors: list[str] = []
    page = _offline_page(browser, remote)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    SHOTS.mkdir(parents=True, exist_ok=True)

    page.goto(index.as_uri())
    page.wait_for_selector("article", timeout=30_000)
    for path in NOTEBOOKS:
        assert page.locator(f"article a[href*='{path.stem}']").count() >= 1, path.stem
    page.screenshot(path=str(SHOTS / "site_landing.png"), full_page=True)

    page.goto((SITE / "notebooks" / f"{NOTEBOOKS[-1].stem}.html").as_uri())
    page.wait_for_selector("article img", timeout=30_000)
    assert page.locator("article img").count() >= _stored_images(NOTEBOOKS[-1])
    broken = page.evaluate("[...document.querySelectorAll('article img')]"
                           ".filter(i => !(i.complete && i.naturalWidth > 0)).length")
    assert broken == 0
    page.screenshot(path=str(SHOTS / "site_notebook.png"))

    page.goto((SITE / "notebooks" / f"{NOTEBOOKS[0].stem}.html").as_uri())
    page.wait_for_function("document.querySelectorAll('.MathJax_CHTML, mjx-container').length > 0",
                           timeout=30_000)
    assert page.locator(".MathJax_CHTML .merror, mjx-merror").count() == 0

    page.goto((SITE / "search.html").as_uri() + "?q=ELBO")
    page.wait_for_selector("#search-results li", timeout=30_000)
    hits = page.locator("#search-results li").count()
    assert hits >= 1
    assert page.locator("#search-results li a[href*='06_vae_generation']").count() >= 1
    page.screenshot(path=str(SHOTS / "site_search.png"))
    assert remote == [], f"the website tried to load from the network: {remote}"
    assert not errors, errors
    page.close()
