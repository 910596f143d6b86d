"""Convert a percent-format script into a notebook (authoring aid, not part of the repo)."""
import sys, re, nbformat
src = open(sys.argv[1]).read()
cells = []
blocks = re.split(r"^# %%(.*)$", src, flags=re.M)
# blocks: [pre, header1, body1, header2, body2...]
for header, body in zip(blocks[1::2], blocks[2::2]):
    header = header.strip()
    body = body.strip("\n")
    meta = {}
    if "[markdown]" in header:
        lines = [l[2:] if l.startswith("# ") else l[1:] if l.startswith("#") else l for l in body.splitlines()]
        cell = nbformat.v4.new_markdown_cell("\n".join(lines))
    else:
        cell = nbformat.v4.new_code_cell(body)
    if "hidden" in header:
        cell.metadata["jupyter"] = {"source_hidden": True}
        cell.metadata["tags"] = ["solution"]
    cells.append(cell)
nb = nbformat.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
nb.metadata["language_info"] = {"name": "python", "version": "3.11"}
nbformat.write(nb, sys.argv[2])
print("wrote", sys.argv[2], len(cells), "cells")
