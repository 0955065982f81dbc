"""The README's generated figures are what this checkout produces: each block that a make target
writes (``make results``, ``make sweep``) carries a stamp of the configuration and of the
training and probe sources it was made from (tools/update_readme.py), and these tests fail when
either has changed since, naming the target to run."""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import update_readme  # noqa: E402  (a script in tools/, not a package)


def test_the_readme_blocks_were_made_from_this_configuration_and_these_sources() -> None:
    problems = update_readme.stale((ROOT / "README.md").read_text())
    assert not problems, "\n".join(problems)


def test_the_digest_covers_what_the_makefile_says_determines_training_and_probes() -> None:
    files = update_readme.make_sources()
    assert {"pipeline/train.py", "pipeline/edl.py", "pipeline/probes.py",
            "contract/scene_data.py"} <= set(files)
    assert all((ROOT / f).is_file() for f in files)


def test_a_changed_training_source_makes_the_table_stale(tmp_path: Path) -> None:
    """A copy of the sources with one line added to pipeline/train.py: the check names
    `make results` (and `make sweep`) instead of passing."""
    for name in update_readme.make_sources() + [b.driver for b in update_readme.BLOCKS.values()]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    readme = "\n".join(  # a README whose blocks were made from the copy
        f"<!-- {name}:start -->\n<!-- stamp: config={cfg} sources={src} commit=x load=0 -->\n"
        f"| table |\n<!-- {name}:end -->"
        for name in update_readme.BLOCKS
        for cfg, src in [update_readme.expected(name, tmp_path)])
    assert update_readme.stale(readme, tmp_path) == []
    with open(tmp_path / "pipeline" / "train.py", "a") as f:
        f.write("\n# a changed training source\n")
    problems = update_readme.stale(readme, tmp_path)
    assert any("other training or probe sources" in p and "run `make results`" in p
               for p in problems), problems


def test_the_seed_0_row_is_the_default_run(tmp_path: Path) -> None:
    """Where `make data` has run the default configuration, the README's seed-0 accuracies are
    the ones in its scene_data (a fresh clone's own run)."""
    from contract.scene_io import load_all
    from contract import numbers
    from pipeline import config

    try:
        data = load_all(ROOT / "scene_data")
    except Exception:  # noqa: BLE001 - no `make data` yet in this checkout
        pytest.skip("scene_data/ has no run: `make data` first")
    if data.training.provenance.config_hash != config.default().hash():
        pytest.skip("scene_data/ holds another configuration than the default")
    block = re.search(r"<!-- results:start -->.*?<!-- results:end -->",
                      (ROOT / "README.md").read_text(), flags=re.S).group(0)
    row = next(line for line in block.splitlines() if line.startswith("| 0 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    h = data.heldout.models
    assert cells[3:5] == [numbers.percent(h["softmax"].accuracy, 2),
                          numbers.percent(h["edl"].accuracy, 2)]
