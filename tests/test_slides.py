"""Slide metadata in every notebook, and decks that load nothing from the network."""
from pathlib import Path

import nbformat
import pytest

from utils.machinery import slides

NOTEBOOKS = sorted(slides.NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def _cell(kind, source, tags=()):
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


@pytest.mark.parametrize("cell, expected", [
    (_cell("markdown", "# 01 · Title"), "slide"),
    (_cell("markdown", "\n## 2 · A section"), "slide"),
    (_cell("markdown", "### A detail"), "subslide"),
    (_cell("markdown", "More prose on the same idea."), "subslide"),
    (_cell("code", "x = 1"), "fragment"),
    (_cell("code", "# solution", tags=["solution"]), "skip"),
])
def test_slide_type_rules(cell, expected):
    assert slides.slide_type(cell) == expected


def test_tagging_is_idempotent():
    nb = nbformat.v4.new_notebook(cells=[_cell("markdown", "# T"), _cell("code", "1")])
    assert slides.untagged_cells(nb) == [0, 1]
    assert slides.tag_notebook(nb) == 2
    assert slides.tag_notebook(nb) == 0 and slides.untagged_cells(nb) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_carries_slide_metadata(path):
    nb = nbformat.read(path, as_version=4)
    assert slides.untagged_cells(nb) == [], (
        f"{path.name}: run `python -m utils.machinery.slides --tag` to add the slide metadata")
    types = [c.metadata["slideshow"]["slide_type"] for c in nb.cells]
    assert types[0] == "slide" and types.count("slide") >= 5


def test_remote_loads_finds_cdn_scripts_but_not_reader_links():
    html = ('<script src="https://cdn.example/x.js"></script>'
            '<link rel="stylesheet" href="//cdn.example/y.css">'
            "<script type=module>import m from 'https://cdn.example/m.mjs';</script>"
            '<script src="vendor/require.js"></script>'
            '<a href="https://arxiv.org/abs/1312.6114">the VAE paper</a>')
    assert slides.remote_loads(html) == ["https://cdn.example/x.js", "//cdn.example/y.css",
                                         "https://cdn.example/m.mjs"]
    assert "vendor/require.js" in slides.loaded_urls(html)


def test_export_deck_is_offline(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# Title\n\n$$x = \\mu + \\sigma \\epsilon$$"),
        _cell("code", "print(1)"), _cell("markdown", "## Next idea")])
    slides.tag_notebook(nb)
    path = tmp_path / "01_demo.ipynb"
    nbformat.write(nb, path)
    out = slides.export_deck(path, tmp_path / "deck")
    html = out.read_text()
    assert out.name == "01_demo.slides.html"
    assert slides.remote_loads(html) == []
    loads = slides.loaded_urls(html)
    assert "vendor/require.js" in loads and "vendor/reveal.js/dist/reveal.css" in loads
    assert html.count("<section") >= 2


def test_export_refuses_untagged_notebooks(tmp_path):
    path = tmp_path / "02_demo.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[_cell("markdown", "# T")]), path)
    with pytest.raises(ValueError, match="slide metadata"):
        slides.export_deck(path, tmp_path)


def test_copy_assets_says_what_to_run_when_npm_packages_are_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="npm ci --prefix slides"):
        slides.copy_assets(tmp_path / "out", node_modules=tmp_path / "nothing")


def test_raw_json_cells_with_a_list_source():
    """Cells read with json (not nbformat) keep their source as a list of lines."""
    cell = {"cell_type": "markdown", "metadata": {}, "source": ["## A section\n", "text"]}
    assert slides.slide_type(cell) == "slide"
    nb = {"cells": [cell, {"cell_type": "code", "metadata": {}, "source": ["x = 1"]}]}
    assert slides.tag_notebook(nb) == 2 and slides.untagged_cells(nb) == []


@pytest.mark.parametrize("call, error, match", [
    (lambda: slides.slide_type("# T"), TypeError, "cell is '# T'"),
    (lambda: slides.slide_type({"source": "# T"}), ValueError, "cell has keys"),
    (lambda: slides.slide_type({"cell_type": "md", "source": ""}), ValueError,
     r"cell\['cell_type'\] is 'md'"),
    (lambda: slides.tag_notebook([]), TypeError, "nb is"),
    (lambda: slides.untagged_cells({"cells": ["x"]}), TypeError, r"nb.cells\[0\] is 'x'"),
    (lambda: slides.loaded_urls(None), TypeError, "html is None"),
    (lambda: slides.remote_loads(b"<p>"), TypeError, "html is b'<p>'"),
    (lambda: slides.copy_assets(3), TypeError, "dest is 3"),
    (lambda: slides.export_deck("no/such.ipynb", "out"), FileNotFoundError,
     "notebook is 'no/such.ipynb'"),
    (lambda: slides.export_deck(Path("x.ipynb"), None), TypeError, "dest is None"),
    (lambda: slides.main("--tag"), TypeError, "argv is '--tag'"),
    (lambda: slides.main([1]), TypeError, r"argv\[0\] is 1"),
])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("text, expected", [
    ("Next: [02 · Stacked](02_stacked_autoencoders.ipynb).",
     "Next: [02 · Stacked](02_stacked_autoencoders.slides.html)."),
    ("[x](../notebooks/03_feature_detection_and_pretraining.ipynb#1-Section)",
     "[x](03_feature_detection_and_pretraining.slides.html)"),
    ("the [README](../README.md), [utils](../utils/data.py)", "the README, utils"),
    ("[paper](https://arxiv.org/abs/1312.6114) [§2](#two) ![fig](attachment:a.png)",
     "[paper](https://arxiv.org/abs/1312.6114) [§2](#two) ![fig](attachment:a.png)"),
    ('<a href="04_denoising.ipynb">04</a> <a class="c" href="../README.md">R</a>',
     '<a href="04_denoising.slides.html">04</a> <a class="c">R</a>'),
    ("code `f[0](1)` and\n```python\ny = z[1](../README.md)\n```",
     "code `f[0](1)` and\n```python\ny = z[1](../README.md)\n```"),
])
def test_deck_links_go_to_decks_or_are_dropped(text, expected):
    """A deck lies beside the other decks: notebook links go to decks, other relative links
    (the README) have no page there and keep only their text."""
    assert slides.deck_links(text) == expected


def test_exported_deck_links_the_next_deck(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# Title\n\nSee the [README](../README.md)."),
        _cell("markdown", "## Next\nNext: [02 · More](02_more.ipynb).")])
    slides.tag_notebook(nb)
    nbformat.write(nb, tmp_path / "01_demo.ipynb")
    html = slides.export_deck(tmp_path / "01_demo.ipynb", tmp_path / "deck").read_text()
    assert 'href="02_more.slides.html"' in html
    assert "README.md" not in html and "See the README." in html
