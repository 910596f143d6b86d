"""The course website (``make site``): ``build/site/``, built offline by Sphinx with MyST-NB.

It is made from the notebooks as stored — nothing is re-trained — and usable offline.

Pages: a landing page (who the course is for and the two commands, both taken from the
README, and the notebooks in order with each one's headline result and bars passed, read
from its stored results table); one page per notebook with its figures and math; the slide
decks of ``make slides`` linked where they were built; full-text search (Sphinx's own,
offline); and an instructor page (the time per notebook and mode, read from each
notebook's title cell; every bar of ``bars.BARS`` with its full- and fast-mode threshold;
the README's section on assignments and grading). Where ``make course`` left a passing
full-mode run of a notebook in ``build/``, that executed copy is used; otherwise the stored
one in ``notebooks/``. MathJax and the slide assets come from the npm packages pinned in
``slides/`` (as for the decks), so no page loads anything from the network. When
``[project.urls] Repository`` is set (``utils.machinery.launch``), each notebook page gets Colab and
Binder launch buttons; unset, none.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .. import bars, config
from . import launch, results_page, runner, slides
from .._validate import check_bool, check_path, check_str
from ._folders import FolderError, check_claim, replace
from ._notebooks import cell_source, check_argv, check_notebook
from . import ROOT, NOTEBOOK_DIR, BUILD

# Who wrote a folder (the first line of its marker file, ``_folders.MARKER``): the website
# and its Sphinx sources are only ever replaced by this module, and only where it made them.
SITE_COMMAND = "python -m utils.machinery.site (the website)"
SOURCES_COMMAND = "python -m utils.machinery.site (the website's Sphinx sources)"

MATHJAX = f"{slides.VENDOR}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"

# The one result per notebook that the website's landing page shows as its headline.
HEADLINES = {
    "01_basic_autoencoder": "min_principal_cosine",
    "02_stacked_autoencoders": "best_30d_code_over_pca30",
    "03_feature_detection_and_pretraining": "sparse_mean_activation_over_plain",
    "04_denoising": "gaussian_ae_minus_best_classical_db",
    "05_watermark_removal": "site_ae_mask_rmse_over_input",
    "06_vae_generation": "vae_test_neg_elbo_nats",
    "07_autoencoders_at_work": "ae_auc_blank",
}



class SiteError(ValueError):
    """The website cannot be built from what is there."""


def readme_section(readme: str, heading: str) -> str:
    """The text under the README heading line ``heading``, up to the next heading (of any
    level: subsections are left out)."""
    readme, heading = check_str("readme", readme), check_str("heading", heading)
    lines = readme.split("\n")
    if heading not in lines:
        raise SiteError(f"heading is {heading!r}; the README has no such line.")
    start = lines.index(heading) + 1
    fence = False
    end = len(lines)
    for i in range(start, len(lines)):
        if lines[i].startswith("```"):
            fence = not fence
        elif not fence and re.match(r"#{1,6} ", lines[i]):
            end = i
            break
    return "\n".join(lines[start:end]).strip("\n")


def readme_intro(readme: str) -> str:
    """The README's opening paragraphs: everything between its title and its first ``##``."""
    readme = check_str("readme", readme)
    body = readme.split("\n", 1)[1] if readme.startswith("# ") else readme
    return body.split("\n## ", 1)[0].strip("\n")


def results_rows(nb) -> list[tuple[str, str, str, str]]:
    """The stored results table of a notebook (the HTML output of its ``rep`` cell): (result,
    value, bar, verdict) per row, in order (a table that also says what each row shows keeps
    that in ``bars``); ``[]`` when the notebook has none."""
    import html as html_lib

    for cell in check_notebook("nb", nb):
        source = cell_source("cell", cell).strip()
        if cell["cell_type"] != "code" or not (source == "rep" or source.endswith("\nrep")):
            continue
        for out in cell.get("outputs", []):
            table = out.get("data", {}).get("text/html")
            if not table:
                continue
            table = "".join(table) if isinstance(table, list) else table
            rows = []
            for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
                cells = [html_lib.unescape(c).strip()
                         for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
                if len(cells) in (4, 5):
                    rows.append(tuple(cells[:4]))
            return rows
    return []


def time_line(nb) -> str:
    """The ``**Time:**`` sentence of a notebook's title cell, without the label."""
    cells = check_notebook("nb", nb)
    text = cell_source("nb.cells[0]", cells[0]) if cells else ""
    m = re.search(r"^\*\*Time:\*\*(.*?)(?:\n\s*\n|\Z)", text, flags=re.M | re.S)
    if not m:
        raise SiteError("the notebook's title cell has no **Time:** line.")
    return " ".join(m.group(1).split())      # the whole sentence, however it is wrapped


def title(nb) -> str:
    """The notebook's title (its first ``#`` heading)."""
    cells = check_notebook("nb", nb)
    first = cell_source("nb.cells[0]", cells[0]).lstrip().split("\n", 1)[0] if cells else ""
    if not first.startswith("# "):
        raise SiteError(f"the notebook's first cell starts with {first[:40]!r}; expected a "
                        "'# ' title.")
    return first[2:].strip()


def chosen_notebooks(notebook_dir: Path = NOTEBOOK_DIR, build: Path = BUILD) -> list[Path]:
    """Per notebook, the copy the site shows: ``build/<name>.ipynb`` where ``make course``
    ran it in full mode, it passed (``build/results.json``) and its cells are those of the
    stored notebook (not an older version); else ``notebooks/<name>``."""
    notebook_dir, build = check_path("notebook_dir", notebook_dir), check_path("build", build)
    stored = runner.discover(notebook_dir)
    if not stored:
        raise SiteError(f"no notebooks in {notebook_dir}.")
    runs = {}
    results = build / "results.json"
    if results.is_file():
        try:
            runs = json.loads(results.read_text(encoding="utf-8")).get("notebooks", {})
        except (ValueError, AttributeError):
            runs = {}
    chosen = []
    for path in stored:
        run = runs.get(path.stem, {}) if isinstance(runs, dict) else {}
        executed = build / path.name
        good = (isinstance(run, dict) and run.get("mode") == "full"
                and run.get("status") == "passed" and executed.is_file()
                and _sources(executed) == _sources(path))
        chosen.append(executed if good else path)
    return chosen


def _sources(path: Path) -> list[str] | None:
    """The cells' sources of a notebook file (``None`` when it cannot be read): an executed
    copy is only used while it is the same notebook as the stored one."""
    try:
        return [cell_source("cell", c) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    except (ValueError, KeyError, TypeError, OSError):
        return None


def _landing(readme: str, books: list[tuple[Path, dict]], decks: set[str]) -> str:
    rows = ["| | notebook | headline result | bars | slides |", "|---|---|---|---|---|"]
    for path, nb in books:
        res = results_rows(nb)
        judged = [r for r in res if r[2] != "—"]
        passed = sum("passed" in r[3] for r in judged)
        name = HEADLINES.get(path.stem)
        text = bars.BARS.get(path.stem, {}).get(name, {}).get("text")
        row = next((r for r in res if text and r[0] == text), res[0] if res else None)
        head = f"{row[0]}: **{row[1]}** ({row[2]})" if row else "—"
        deck = (f"[deck](slides/{path.stem}.slides.html)" if path.stem in decks else "—")
        kinds = [bars.shows(spec) for spec in bars.BARS.get(path.stem, {}).values()]
        failures, checks = kinds.count("failure"), kinds.count("sanity")
        said = ([f"{failures} a failure reproduced on purpose"] if failures else []) + (
            [f"{checks} sanity check{'s' if checks > 1 else ''}"] if checks else [])
        on_purpose = f" ({', '.join(said)})" if said else ""
        rows.append(f"| {path.stem[:2]} | [{title(nb)}](notebooks/{path.stem}) | {head} | "
                    f"{passed} of {len(judged)} passed{on_purpose} | {deck} |")
    commands = readme_section(readme, "## Two commands")
    return "\n\n".join([
        "# Autoencoders — a hands-on course in notebooks", readme_intro(readme),
        "## Two commands", commands,
        "## The notebooks, in order",
        "Each headline result is one row of the notebook's results table, measured in its "
        "stored full-mode run on the held-out test split; *bars* counts the rows that met the "
        "course's bar.", "\n".join(rows),
        "Instructors: [times, bars, assignments and grading](instructors).",
        "```{toctree}\n:hidden:\n:maxdepth: 1\n\n"
        + "\n".join(f"notebooks/{p.stem}" for p, _ in books) + "\ninstructors\n```"])


def _instructors(readme: str, books: list[tuple[Path, dict]]) -> str:
    times = ["| notebook | time |", "|---|---|"]
    times += [f"| {p.stem} | {time_line(nb)} |" for p, nb in books]
    bar_rows = ["| notebook | result | full-mode bar | fast-mode bar |", "|---|---|---|---|"]
    for p, _ in books:
        for name, spec in bars.BARS.get(p.stem, {}).items():
            fast = "— (full mode only)" if spec["fast"] is None else f"{spec['op']} {spec['fast']}"
            full = "—" if spec["full"] is None else f"{spec['op']} {spec['full']}"
            text = spec["text"].replace("|", "\\|")     # a | in the text would split the cell
            bar_rows.append(f"| {p.stem[:2]} | {text} (`{name}`) | {full} | {fast} |")
    return "\n\n".join([
        "# For instructors",
        "## Time per notebook and mode", "\n".join(times),
        "## What the bars mean",
        "The course runner and CI judge each notebook's headline results against these bars "
        "(`utils/bars.py`): the "
        "full-mode bar is the course's quality bar, reached by the stored runs at seeds 0, 1 "
        "and 2; the fast-mode bar only catches a notebook that learned nothing.",
        "\n".join(bar_rows),
        "## Assignments, grading and the website",
        readme_section(readme, "## For instructors"),
        _measured_results()])


def _measured_results() -> str:
    """RESULTS.md's tables (the kept runs, results/*.json) one heading level down."""
    runs = results_page.kept_runs()
    if not runs:
        return "## Measured results\n\nNo full-mode run is kept yet (`make outputs`)."
    page = results_page.render(runs).split("\n", 1)[1]          # without its title
    return "## Measured results\n" + page.replace("\n### ", "\n#### ").replace("\n## ", "\n### ")


def write_sources(src: Path, *, notebook_dir: Path = NOTEBOOK_DIR, build: Path = BUILD,
                  readme: Path = ROOT / "README.md", vendor: bool = True) -> Path:
    """Write the Sphinx source folder ``src``: conf.py, the landing and instructor pages, the
    chosen notebooks, the slide decks where built and (``vendor``) the pinned MathJax.

    ``src`` is replaced: it must be new, empty or this function's own earlier output (a
    folder with other files is refused with a ``FolderError``, and nothing is deleted)."""
    src, readme = check_path("src", src), check_path("readme", readme)
    vendor = check_bool("vendor", vendor)
    check_claim("src", src, SOURCES_COMMAND, default=BUILD / "site-src")
    text = readme.read_text(encoding="utf-8")
    replace("src", src, SOURCES_COMMAND, default=BUILD / "site-src")
    (src / "notebooks").mkdir()
    books = []
    for path in chosen_notebooks(notebook_dir, build):
        nb = json.loads(path.read_text(encoding="utf-8"))
        books.append((path, nb))
        page = json.loads(json.dumps(nb))
        for cell in page["cells"]:
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "solution" in tags:             # worked solutions folded away, as in JupyterLab
                tags += ["hide-input", "hide-output"]
            if cell["cell_type"] == "markdown":  # the README is not part of the site
                cell["source"] = cell_source("cell", cell).replace("](../README.md)", "](../index.md)")
        (src / "notebooks" / path.name).write_text(json.dumps(page, indent=1), encoding="utf-8")
    decks = set()
    built = build / "slides"
    if built.is_dir():
        decks = {p.name[:-len(".slides.html")] for p in built.glob("*.slides.html")}
        shutil.copytree(built, src / "_extra" / "slides")
    else:
        (src / "_extra").mkdir()
    (src / "_static").mkdir(exist_ok=True)
    if vendor:
        slides.copy_assets(src / "_static")
    (src / "index.md").write_text(_landing(text, books, decks) + "\n", encoding="utf-8")
    (src / "instructors.md").write_text(_instructors(text, books) + "\n", encoding="utf-8")
    url = launch.repository_url()
    theme = dict(home_page_in_toc=True, use_download_button=False, use_fullscreen_button=False)
    if url:
        theme.update(repository_url=url, use_repository_button=True, path_to_docs="",
                     launch_buttons=dict(colab_url="https://colab.research.google.com",
                                         binderhub_url="https://mybinder.org",
                                         notebook_interface="jupyterlab"))
    (src / "conf.py").write_text(
        "# Written by utils.machinery.site; edit utils/site.py instead.\n"
        "project = 'Autoencoders — a hands-on course'\n"
        "author = 'the course authors'\n"
        "extensions = ['myst_nb']\n"
        "nb_execution_mode = 'off'            # the stored outputs, nothing re-trained\n"
        "myst_enable_extensions = ['dollarmath', 'amsmath']\n"
        "html_theme = 'sphinx_book_theme'\n"
        f"html_theme_options = {theme!r}\n"
        "html_title = 'Autoencoders course'\n"
        "html_static_path = ['_static']\n"
        "html_extra_path = ['_extra']\n"
        f"mathjax_path = {MATHJAX!r}   # the pinned npm copy (MathJax 2), no CDN\n"
        # MyST-NB marks a notebook's page to be skipped by MathJax except the classes below
        # (its MathJax 3 setting); MathJax 2 needs them said its own way.
        "mathjax3_config = None\n"
        "mathjax2_config = {'tex2jax': {'inlineMath': [['\\\\(', '\\\\)']], "
        "'displayMath': [['\\\\[', '\\\\]']], "
        "'processClass': 'tex2jax_process|mathjax_process|math|output_area'}}\n"
        "html_show_sourcelink = False\n"
        "html_copy_source = False             # no copies of the notebooks beside the pages\n"
        # the search lists the pages without fetching each one for a snippet, which a
        # browser refuses for pages opened from disk (file://)
        "html_show_search_summary = False\n"
        "exclude_patterns = ['_extra', '_static']\n"
        "suppress_warnings = ['mystnb.unknown_mime_type', 'myst.header']\n",
        encoding="utf-8")
    return src


def build_site(out: Path = BUILD / "site", src: Path = BUILD / "site-src") -> Path:
    """Build the website into ``out`` (sources in ``src``); return ``out / "index.html"``.

    Both folders are replaced: each must be new, empty or this module's own earlier output;
    otherwise a ``FolderError`` names it before anything is written or deleted."""
    out, src = check_path("out", out), check_path("src", src)
    check_claim("out", out, SITE_COMMAND, default=BUILD / "site")
    check_claim("src", src, SOURCES_COMMAND, default=BUILD / "site-src")
    if out.resolve() == src.resolve():
        raise FolderError(f"out and src are both {str(out)!r}; expected two folders.")
    write_sources(src)
    replace("out", out, SITE_COMMAND, default=BUILD / "site")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "1",
                           "-d", str(src / ".doctrees"), str(src), str(out)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SiteError(f"sphinx-build failed:\n{(done.stderr or done.stdout)[-3000:]}")
    remote = sorted({u for page in out.rglob("*.html")
                     for u in slides.remote_loads(page.read_text(encoding="utf-8"))})
    if remote:
        raise SiteError(f"the website would load from the network: {remote[:5]}")
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    """The command line (``python -m utils.machinery.site``); ``argv``: its arguments (default
    ``sys.argv[1:]``)."""
    argv = check_argv("argv", argv)
    parser = argparse.ArgumentParser(prog="python -m utils.machinery.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BUILD / "site",
                        help="the website's folder: new, empty or an earlier website "
                             "(default: build/site)")
    args = parser.parse_args(argv)
    try:
        index = build_site(args.out)
    except (SiteError, FolderError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"website: {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
