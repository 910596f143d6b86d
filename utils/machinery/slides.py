"""Slides: slide metadata for the notebooks and offline reveal.js decks (``make slides``).

Every notebook carries ``metadata.slideshow.slide_type`` on each cell, so it presents as a
slideshow in JupyterLab (jupyterlab-rise) and exports to reveal.js:

- a markdown cell that opens with a ``#`` or ``##`` heading starts a new **slide** (the title
  slide, then one slide per section, i.e. per idea);
- other markdown continues the idea on a **subslide** (reveal.js: below, with the ↓ key);
- a code cell, with its stored figure or table, appears as a **fragment** of its slide;
- the hidden worked solutions are **skipped** (instructors show them in the notebook).

``python -m utils.machinery.slides --tag`` writes that metadata into the notebooks (maintainers);
``python -m utils.machinery.slides`` (``make slides``) exports each notebook to
``build/slides/<name>.slides.html``. The decks load reveal.js, RequireJS, jQuery and
MathJax from ``build/slides/vendor/``, copied from the npm packages pinned in
``slides/package.json`` — nothing is fetched from a CDN when a deck is viewed.

A deck lies beside the other decks (in ``build/slides/``, and in ``slides/`` of the website
that ``make site`` builds), not beside the notebooks: its links to course notebooks
("Next: [02 …](02_stacked_autoencoders.ipynb)") go to those notebooks' decks, and its other
relative links (``../README.md``) are dropped, their text kept (``deck_links``).
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

from .._validate import check_choice, check_path, check_str, describe
from ._notebooks import cell_source, check_argv, check_cell, check_notebook
from . import runner
from .launch import COLAB_MARK
from . import ROOT, NOTEBOOK_DIR

NODE_MODULES = ROOT / "slides" / "node_modules"
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")

VENDOR = "vendor"
# What the decks load, relative to build/slides/ (nbconvert's reveal template fills them in).
URLS = dict(
    reveal_url_prefix=f"{VENDOR}/reveal.js",
    require_js_url=f"{VENDOR}/require.js",
    jquery_url=f"{VENDOR}/jquery.min.js",
    mathjax_url=f"{VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    mermaid_js_url=f"{VENDOR}/mermaid-absent.mjs",
)
# npm package → (folder under vendor/, files or folders to copy there with their paths);
# MathJax is pruned to the CommonHTML output.
ASSETS = {
    "reveal.js": ("reveal.js", ["dist", "plugin/notes"]),
    "requirejs": ("", ["require.js"]),
    "jquery": ("", ["dist/jquery.min.js"]),
    "mathjax": ("mathjax", ["MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js",
                            "extensions", "jax/input/TeX", "jax/output/CommonHTML",
                            "jax/element", "fonts/HTML-CSS/TeX/woff", "localization/en"]),
}


def _source(cell) -> str:
    return cell_source("cell", cell)


def slide_type(cell) -> str:
    """The slide type this course gives a cell (see the module docstring).

    Args:
        cell: a notebook cell (``cell_type`` ``markdown``, ``code`` or ``raw``).

    Returns:
        One of ``SLIDE_TYPES``: ``slide``, ``subslide``, ``fragment`` or ``skip``.
    """
    cell = check_cell("cell", cell)
    tags = cell.get("metadata", {}).get("tags", [])
    if "solution" in tags or _source(cell).startswith(COLAB_MARK):   # solutions, Colab set-up
        return "skip"
    if cell["cell_type"] == "markdown":
        first = _source(cell).lstrip().split("\n", 1)[0]
        return "slide" if re.match(r"#{1,2} ", first) else "subslide"
    return "fragment"


def tag_notebook(nb) -> int:
    """Set every cell's ``slideshow.slide_type``; return how many cells changed."""
    changed = 0
    for cell in check_notebook("nb", nb):
        want = slide_type(cell)
        meta = cell.setdefault("metadata", {})
        if meta.get("slideshow", {}).get("slide_type") != want:
            meta.setdefault("slideshow", {})["slide_type"] = want
            changed += 1
    return changed


def untagged_cells(nb) -> list[int]:
    """Indices of cells whose slide type is missing or not the course's rule."""
    return [i for i, c in enumerate(check_notebook("nb", nb))
            if c.get("metadata", {}).get("slideshow", {}).get("slide_type") != slide_type(c)]


# A Markdown link [text](target "title") or <target>, and an HTML link's href="target".
_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\(\s*(?P<target><[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")
_HTML_LINK = re.compile(r"<a\b(?P<attrs>[^>]*?)\bhref=(?P<q>[\"'])(?P<target>[^\"']*)(?P=q)(?P<rest>[^>]*)>",
                        re.IGNORECASE)
_CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.DOTALL)   # code: left as it is
_NOTEBOOK = re.compile(r"(?:.*/)?(\d\d_[A-Za-z0-9_\-]+)\.ipynb")


def deck_target(target: str) -> str | None:
    """Where a link of a notebook goes in its deck: a course notebook's deck
    (``<name>.slides.html``, beside it), the same for a URL or an anchor, ``None`` (no page:
    drop the link) for any other relative target."""
    target = check_str("target", target, allow_empty=True).strip()
    if not target or target.startswith("#") or re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:|//", target):
        return target                                   # an anchor, https:, mailto:, data:
    path = re.split(r"[?#]", target, maxsplit=1)[0]
    m = _NOTEBOOK.fullmatch(path)
    return f"{m.group(1)}.slides.html" if m else None


def deck_links(text: str) -> str:
    """A markdown cell's text with its links as they must be in a deck (``deck_target``):
    links to course notebooks go to their decks, other relative links keep only their text
    (code spans and fenced code are left as they are)."""
    text = check_str("text", text, allow_empty=True)

    def markdown(m):
        old = m.group("target").strip("<>")
        new = deck_target(old)
        if new is None:                                  # the text, no link
            return m.group("text")
        return m.group(0) if new == old else f"[{m.group('text')}]({new})"

    def html(m):
        new = deck_target(m.group("target"))
        if new is None:                                  # <a> without href: text, no link
            return f"<a{m.group('attrs').rstrip()}{m.group('rest')}>"
        return f"<a{m.group('attrs')}href={m.group('q')}{new}{m.group('q')}{m.group('rest')}>"

    parts = _CODE.split(text)            # odd items: the code
    return "".join(part if i % 2 else _HTML_LINK.sub(html, _MD_LINK.sub(markdown, part))
                   for i, part in enumerate(parts))


def copy_assets(dest: Path, node_modules: Path = NODE_MODULES) -> Path:
    """Copy the pinned npm assets into ``dest/vendor``; raise with what to run if missing."""
    dest, node_modules = check_path("dest", dest), check_path("node_modules", node_modules)
    missing = [pkg for pkg in ASSETS if not (node_modules / pkg / "package.json").is_file()]
    if missing:
        raise FileNotFoundError(
            f"npm packages {missing} are not in {node_modules}; run `make slides` (it runs "
            "`npm ci --prefix slides`) or `npm ci --prefix slides` yourself.")
    vendor = dest / VENDOR
    for pkg, (folder, parts) in ASSETS.items():
        for part in parts:
            src = node_modules / pkg / part
            # Packages with a folder of their own keep their layout; single files go flat.
            out = vendor / folder / (part if folder else Path(part).name)
            out.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, out, dirs_exist_ok=True)
            else:
                shutil.copy2(src, out)
    # nbconvert's template imports mermaid as an ES module; the course has no diagrams, so a
    # local module that does nothing keeps the deck from reaching for a CDN.
    (vendor / "mermaid-absent.mjs").write_text(
        "export default { initialize() {} };\n", encoding="utf-8")
    return vendor


_LOAD = re.compile(r"""<script\b[^>]*\bsrc=["']([^"']+)"""
                   r"""|<link\b[^>]*\bhref=["']([^"']+)"""
                   r"""|\bimport\s+[\w{}\s,*]+\s+from\s+["']([^"']+)"""
                   r"""|@import\s+url\(["']?([^"')]+)""", re.IGNORECASE)


def loaded_urls(html: str) -> list[str]:
    """What ``html`` loads: script sources, linked style sheets, imported modules."""
    html = check_str("html", html, allow_empty=True)
    return [next(g for g in m.groups() if g) for m in _LOAD.finditer(html)]


def remote_loads(html: str) -> list[str]:
    """The loads of ``html`` that would go to the network (links a reader may click are not
    loads and are not listed)."""
    html = check_str("html", html, allow_empty=True)
    return [u for u in loaded_urls(html) if re.match(r"(https?:)?//", u, re.IGNORECASE)]


def export_deck(notebook: Path, dest: Path) -> Path:
    """Export one notebook (with its stored outputs) to ``dest/<stem>.slides.html``."""
    notebook, dest = check_path("notebook", notebook), check_path("dest", dest)
    if not notebook.is_file():
        raise FileNotFoundError(f"notebook is {str(notebook)!r}, which is not a file; expected "
                                "the path of an .ipynb notebook.")
    import nbformat
    from nbconvert import SlidesExporter

    nb = nbformat.read(notebook, as_version=4)
    bad = untagged_cells(nb)
    if bad:
        raise ValueError(f"{notebook.name}: cells {bad} lack the course's slide metadata; run "
                         "`python -m utils.machinery.slides --tag`.")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = deck_links(_source(cell))
    exporter = SlidesExporter(reveal_scroll=True, reveal_theme="white",
                              reveal_number="c/t", **URLS)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem}})
    remote = remote_loads(body)
    if remote:
        raise RuntimeError(f"{notebook.name}: the deck would load from the network: {remote[:3]}")
    dest.mkdir(parents=True, exist_ok=True)
    out = dest / f"{notebook.stem}.slides.html"
    out.write_text(body, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """The command line (``python -m utils.machinery.slides [--tag] [--out DIR]``); ``argv``: its
    arguments as a list of strings (default ``sys.argv[1:]``)."""
    argv = check_argv("argv", argv, "['--tag']")
    parser = argparse.ArgumentParser(prog="python -m utils.machinery.slides", description=__doc__.split("\n")[0])
    parser.add_argument("--tag", action="store_true",
                        help="write the slide metadata into the notebooks and stop")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "slides")
    args = parser.parse_args(argv)
    import nbformat

    notebooks = runner.discover(NOTEBOOK_DIR)
    if args.tag:
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            n = tag_notebook(nb)
            if n:
                nbformat.write(nb, path)
            print(f"{path.name}: {n} cells (re)tagged")
        return 0
    copy_assets(args.out)
    for path in notebooks:
        out = export_deck(path, args.out)
        print(f"{path.name} → {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} "
              f"({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
