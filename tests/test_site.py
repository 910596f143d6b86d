"""The website's sources (utils.machinery.site): what the landing and instructor pages are made of,
read from the README, the stored notebooks and config — checked without running Sphinx
(``make test-browser`` builds the site and opens it offline)."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

import pytest

from utils import bars, config
from utils.machinery import site, slides

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_section_stops_at_the_next_heading_outside_code():
    text = "# T\nintro\n## A\none\n```bash\n# a comment, not a heading\n```\n### A.1\nsub\n## B\nb"
    assert site.readme_section(text, "## A") == "one\n```bash\n# a comment, not a heading\n```"
    assert site.readme_section(text, "## B") == "b"
    assert site.readme_intro(text) == "intro"
    with pytest.raises(site.SiteError, match="heading is '## C'"):
        site.readme_section(text, "## C")


def test_the_readme_has_the_sections_the_site_shows():
    assert "make course" in site.readme_section(README, "## Two commands")
    assert "make autograde" in site.readme_section(README, "## For instructors")
    assert "**For** students" in site.readme_intro(README)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_gives_title_time_and_its_results_table(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert site.title(nb).startswith(path.stem[:2] + " · ")
    line = site.time_line(nb)
    assert "full mode" in line and "fast mode" in line and line.endswith("RESULTS.md."), line
    rows = site.results_rows(nb)
    texts = [r[0] for r in rows]
    for name, spec in bars.BARS[path.stem].items():
        assert spec["text"] in texts, (name, texts)
    assert all(r[3] in ("✅ passed", "measured") for r in rows), rows


def test_results_rows_is_empty_without_a_results_cell():
    nb = {"cells": [{"cell_type": "code", "source": "x = 1", "outputs": []}]}
    assert site.results_rows(nb) == []
    with pytest.raises(site.SiteError, match="no \\*\\*Time:\\*\\* line"):
        site.time_line({"cells": [{"cell_type": "markdown", "source": "# T"}]})
    with pytest.raises(site.SiteError, match="expected a '# ' title"):
        site.title({"cells": [{"cell_type": "markdown", "source": "text"}]})


def test_chosen_notebooks_prefer_a_passing_full_run_of_make_course(tmp_path):
    nbs, build = tmp_path / "notebooks", tmp_path / "build"
    nbs.mkdir(), build.mkdir()
    same = json.dumps({"cells": [{"cell_type": "code", "source": "x = 1"}]})
    for name in ("01_a", "02_b", "03_c", "04_d"):
        (nbs / f"{name}.ipynb").write_text(same)
    (build / "01_a.ipynb").write_text(same)
    (build / "02_b.ipynb").write_text(same)
    (build / "04_d.ipynb").write_text(same.replace("x = 1", "x = 2"))   # an older version
    runs = {"01_a": {"mode": "full", "status": "passed"}, "02_b": {"mode": "fast", "status": "passed"},
            "04_d": {"mode": "full", "status": "passed"}}
    (build / "results.json").write_text(json.dumps({"notebooks": runs}))
    assert site.chosen_notebooks(nbs, build) == [build / "01_a.ipynb", nbs / "02_b.ipynb",
                                                 nbs / "03_c.ipynb", nbs / "04_d.ipynb"]
    (build / "results.json").write_text("not json")
    assert site.chosen_notebooks(nbs, build)[0] == nbs / "01_a.ipynb"
    with pytest.raises(site.SiteError, match="no notebooks in"):
        site.chosen_notebooks(tmp_path, build)


def test_write_sources_lists_every_notebook_its_headline_and_every_bar(tmp_path):
    src = site.write_sources(tmp_path / "src", build=tmp_path / "no-build", vendor=False)
    landing = (src / "index.md").read_text(encoding="utf-8")
    instructors = (src / "instructors.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"(notebooks/{path.stem})" in landing and (src / "notebooks" / path.name).is_file()
        headline = bars.BARS[path.stem][site.HEADLINES[path.stem]]["text"]
        assert headline in landing, path.stem
    assert "| 07 |" in landing and "(1 a failure reproduced on purpose, 2 sanity checks)" in landing
    assert "(3 a failure reproduced on purpose)" in landing          # 02's overfitting rows
    assert "| 06 |" in landing and "(2 sanity checks)" in landing  # 06's prior-sample rows
    for path in NOTEBOOKS:
        for name, spec in bars.BARS[path.stem].items():
            # one table row per bar, a | in its text escaped so the row keeps its 4 cells
            row = next(l for l in instructors.split("\n") if f"(`{name}`)" in l)
            assert len(row.replace("\\|", "").strip("|").split("|")) == 4, row
            assert spec["text"].replace("|", "\\|") in row
            full = "—" if spec["full"] is None else f"{spec['op']} {spec['full']}"
            assert row.split("|")[-3].strip() == full, row
    assert "make autograde" in instructors and "## Time per notebook and mode" in instructors
    conf = (src / "conf.py").read_text(encoding="utf-8")
    assert "nb_execution_mode = 'off'" in conf and "cdn" not in conf.lower().replace("no cdn", "")
    assert "launch_buttons" not in conf            # no repository URL: no launch buttons
    assert not (src / "_static" / "vendor").exists()   # vendor=False: MathJax not copied


_URL = re.compile(r"""\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_VENDOR = re.compile(r"""["']((?:\./)?vendor/[^"'\s]*)["']""")


def _relative_urls(html: str) -> set[str]:
    """The relative URLs of a page: its links (href, src), what it loads (scripts, style
    sheets, modules) and the vendor/ paths its scripts ask RequireJS for; anchors, data: and
    absolute URLs left out."""
    urls = set(_URL.findall(html)) | set(slides.loaded_urls(html)) | set(_VENDOR.findall(html))
    return {u for u in urls if u and not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:|//|#", u)}


def _site_files(src: Path) -> set[str]:
    """The files of the website Sphinx builds from the sources ``src``, without running it:
    a page per .md / .ipynb (``.html``), ``_static/`` as it is, ``_extra/`` at the top."""
    files = set()
    for path in src.rglob("*"):
        rel = path.relative_to(src).as_posix()
        if not path.is_file() or rel.startswith((".doctrees/", "conf.py")):
            continue
        if rel.startswith("_extra/"):
            files.add(rel[len("_extra/"):])
        elif rel.startswith("_static/"):
            files.add(rel)
        elif path.suffix in (".md", ".ipynb"):
            files.add(rel.rsplit(".", 1)[0] + ".html")
    return files


def test_every_link_of_a_deck_in_the_website_resolves_to_a_page_of_it(tmp_path):
    """`make site` copies the decks of `make slides` into slides/: what they link to (the next
    deck, not a notebook file or the README beside them) is a file of the website. The vendor/
    assets are checked too where `npm ci --prefix slides` has installed them."""
    build = tmp_path / "build"
    vendored = all((slides.NODE_MODULES / pkg / "package.json").is_file() for pkg in slides.ASSETS)
    if vendored:
        slides.copy_assets(build / "slides")
    for path in NOTEBOOKS:
        slides.export_deck(path, build / "slides")
    src = site.write_sources(tmp_path / "src", build=build, vendor=False)
    files = _site_files(src)
    decks = sorted(f for f in files if f.startswith("slides/") and f.endswith(".slides.html"))
    assert decks == [f"slides/{p.stem}.slides.html" for p in NOTEBOOKS]
    broken = {}
    for deck in decks:
        for url in _relative_urls((src / "_extra" / deck).read_text(encoding="utf-8")):
            if not vendored and url.lstrip("./").startswith("vendor/"):
                continue
            target = posixpath.normpath(posixpath.join("slides", re.split(r"[?#]", url)[0]))
            if target not in files:
                broken.setdefault(deck, []).append(url)
    assert broken == {}, f"links to files the website does not have: {broken}"
    # the decks do link onwards: deck 01's "Next" goes to deck 02
    first = (src / "_extra" / decks[0]).read_text(encoding="utf-8")
    assert f'href="{NOTEBOOKS[1].stem}.slides.html"' in first
