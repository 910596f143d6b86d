"""Launch links: "Open in Colab" and Binder badges generated from one repository URL.

The URL lives in one place, ``[project.urls] Repository`` in ``pyproject.toml``. While it is
unset — as long as the course has no public home — no badge appears anywhere.
``python -m utils.machinery.launch`` (maintainers) writes the notebooks to match the setting:

- URL set: the title cell of each notebook starts with the two badges, and a first code cell
  runs only on Colab, where it clones the repository and installs the course's pinned
  packages (the rest of the notebook is unchanged);
- URL unset: both are removed.

Only GitHub URLs (``https://github.com/<owner>/<repo>``) are understood: Colab and Binder
open notebooks from GitHub by those two names.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

from . import runner
from .._validate import check_path, check_str
from ._notebooks import cell_source, check_argv, check_notebook
from . import ROOT, NOTEBOOK_DIR

BEGIN, END = "<!-- launch -->", "<!-- /launch -->"
COLAB_MARK = "# Launch: on Google Colab"
_GITHUB = re.compile(r"^https://github\.com/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100}?)(?:\.git)?/?$")


class LaunchError(ValueError):
    """The repository URL cannot be turned into launch links."""


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str | None:
    """``[project.urls] Repository`` from ``pyproject``, or ``None`` when it is not set."""
    pyproject = check_path("pyproject", pyproject)
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    url = urls.get("Repository")
    if url is None or (isinstance(url, str) and not url.strip()):
        return None
    return check_str("[project.urls] Repository", url).strip()


def _owner_repo(url: str) -> tuple[str, str]:
    m = _GITHUB.match(check_str("url", url))
    if not m:
        raise LaunchError(f"url is {url!r}; expected https://github.com/<owner>/<repo> "
                          "(Colab and Binder open notebooks from GitHub).")
    return m.group(1), m.group(2)


def links(url: str, notebook: str, *, branch: str = "main") -> dict[str, str]:
    """The Colab and Binder addresses of ``notebooks/<notebook>`` in the repository ``url``."""
    owner, repo = _owner_repo(url)
    notebook = check_str("notebook", notebook)
    if not notebook.endswith(".ipynb") or "/" in notebook:
        raise LaunchError(f"notebook is {notebook!r}; expected a file name such as "
                          "'01_basic_autoencoder.ipynb'.")
    branch = check_str("branch", branch)
    return {"colab": f"https://colab.research.google.com/github/{owner}/{repo}/blob/{branch}/notebooks/{notebook}",
            "binder": f"https://mybinder.org/v2/gh/{owner}/{repo}/{branch}?labpath=notebooks%2F{notebook}"}


def badges(url: str | None, notebook: str) -> str:
    """The badge line for a notebook's title cell (markdown), or ``""`` when ``url`` is None."""
    if url is None:
        return ""
    ln = links(url, notebook)
    return (f"{BEGIN}[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"({ln['colab']}) [![Binder](https://mybinder.org/badge_logo.svg)]({ln['binder']}){END}")


def colab_cell(url: str) -> str:
    """The first code cell of a notebook when the URL is set: on Colab only, clone the course
    and install its pinned packages; elsewhere it does nothing."""
    _owner_repo(url)
    return (f"{COLAB_MARK}, fetch the course and install its pinned packages (a few minutes);\n"
            "# anywhere else this cell does nothing.\n"
            "import sys\n"
            "if \"google.colab\" in sys.modules:\n"
            "    import os, subprocess\n"
            f"    subprocess.run([\"git\", \"clone\", \"--depth\", \"1\", {url!r}, \"/content/course\"], check=True)\n"
            # Colab's Python may be newer than the 3.11 the course pins; pip may try it
            "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"-q\", \"--ignore-requires-python\",\n"
            "                    \"-e\", \"/content/course\"], check=True)\n"
            "    os.chdir(\"/content/course/notebooks\")\n"
            "    sys.path.insert(0, \"/content/course\")")


def apply(nb: dict, url: str | None, notebook: str) -> bool:
    """Make notebook ``nb`` (its JSON dict) match ``url``: badges at the top of the title cell
    and the Colab cell first, or neither when ``url`` is None. Returns whether it changed."""
    check_notebook("nb", nb)
    notebook = check_str("notebook", notebook)
    cells = nb["cells"]
    text_of = lambda c: cell_source("cell", c)
    before = [text_of(c) for c in cells]
    title = cells[0]
    text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END) + r"\n*", "", text_of(title), flags=re.S)
    line = badges(url, notebook)
    new_title = (line + "\n\n" + text) if line else text
    if new_title != text_of(title):
        title["source"] = new_title
    cells[:] = [c for c in cells if not (c["cell_type"] == "code"
                                         and text_of(c).startswith(COLAB_MARK))]
    if url is not None:
        first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
        cells.insert(first_code, {"cell_type": "code", "id": "launch-colab", "execution_count": None,
                                  "metadata": {"slideshow": {"slide_type": "skip"}},
                                  "outputs": [], "source": colab_cell(url)})
    return [text_of(c) for c in cells] != before


def main(argv: list[str] | None = None) -> int:
    """The command line (``python -m utils.machinery.launch [--check]``); ``argv``: its arguments as a
    list of strings (default ``sys.argv[1:]``)."""
    import json

    argv = check_argv("argv", argv, "['--check']")
    parser = argparse.ArgumentParser(prog="python -m utils.machinery.launch", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only say whether the notebooks match pyproject.toml (exit 1 if not)")
    args = parser.parse_args(argv)
    try:
        url = repository_url()
        stale = []
        for path in runner.discover(NOTEBOOK_DIR):
            nb = json.loads(path.read_text(encoding="utf-8"))
            if apply(nb, url, path.name):
                stale.append(path.name)
                if not args.check:
                    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    except LaunchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    what = f"launch links for {url}" if url else "no launch links ([project.urls] Repository is unset)"
    if args.check:
        print(f"{len(stale)} notebook(s) do not match: {', '.join(stale)}" if stale else f"notebooks match: {what}")
        return 1 if stale else 0
    print(f"{what}: {len(stale)} notebook(s) updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
