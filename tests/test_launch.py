"""Launch links (utils.machinery.launch): generated from the one repository URL in pyproject.toml,
absent everywhere while it is unset."""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

import pytest

from utils.machinery import launch

URL = "https://github.com/example-org/autoencoders-course"
NOTEBOOKS = sorted(launch.NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def test_unset_url_means_no_launch_links_anywhere(capsys):
    assert launch.repository_url() is None            # the course has no public URL yet
    assert launch.main(["--check"]) == 0, capsys.readouterr().out
    for path in NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        assert "colab.research.google.com" not in text and "mybinder.org" not in text, path.name
    assert launch.badges(None, "01_basic_autoencoder.ipynb") == ""


@pytest.mark.parametrize("value, expected", [
    (f'Repository = "{URL}"', URL), ('Repository = "  "', None), ('Homepage = "https://x.org"', None)])
def test_repository_url_reads_project_urls(tmp_path, value, expected):
    toml = tmp_path / "pyproject.toml"
    toml.write_text(f'[project]\nname = "x"\n\n[project.urls]\n{value}\n', encoding="utf-8")
    assert launch.repository_url(toml) == expected


def test_links_point_at_the_notebook_on_github():
    ln = launch.links(URL + ".git", "07_autoencoders_at_work.ipynb")
    assert ln["colab"] == ("https://colab.research.google.com/github/example-org/autoencoders-course"
                           "/blob/main/notebooks/07_autoencoders_at_work.ipynb")
    assert ln["binder"] == ("https://mybinder.org/v2/gh/example-org/autoencoders-course/main"
                            "?labpath=notebooks%2F07_autoencoders_at_work.ipynb")


@pytest.mark.parametrize("url", ["https://gitlab.com/a/b", "github.com/a/b", "https://github.com/a",
                                 "https://github.com/a/b/tree/main"])
def test_links_refuse_urls_that_are_not_a_github_repository(url):
    with pytest.raises(launch.LaunchError, match="expected https://github.com/<owner>/<repo>"):
        launch.links(url, "01_basic_autoencoder.ipynb")


def test_links_refuse_a_path_instead_of_a_notebook_name():
    with pytest.raises(launch.LaunchError, match="expected a file name"):
        launch.links(URL, "notebooks/01_basic_autoencoder.ipynb")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_apply_adds_badges_and_the_colab_cell_then_removes_them(path):
    original = json.loads(path.read_text(encoding="utf-8"))
    nb = copy.deepcopy(original)
    assert launch.apply(nb, URL, path.name) is True
    title = nb["cells"][0]["source"]
    assert title.startswith(launch.BEGIN) and launch.links(URL, path.name)["colab"] in title
    codes = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert codes[0]["source"].startswith(launch.COLAB_MARK) and URL in codes[0]["source"]
    assert "config.setup(" in "".join(codes[1]["source"])       # the lesson starts unchanged
    assert launch.apply(nb, URL, path.name) is False             # idempotent
    assert launch.apply(nb, None, path.name) is True
    assert json.dumps(nb["cells"][1:]) == json.dumps(original["cells"][1:])
    assert "".join(nb["cells"][0]["source"]) == "".join(original["cells"][0]["source"])


def test_colab_cell_does_nothing_outside_colab():
    code = launch.colab_cell(URL)
    ast.parse(code)
    namespace: dict = {}
    exec(compile(code, "colab_cell", "exec"), namespace)         # no google.colab here
    assert "subprocess" not in namespace


def test_the_colab_cell_is_skipped_in_the_slides():
    from utils.machinery import slides

    cell = {"cell_type": "code", "source": launch.colab_cell(URL), "metadata": {}, "outputs": []}
    assert slides.slide_type(cell) == "skip"
