"""The sdist and the wheel: what they ship, what they claim, and that the wheel runs alone.

The suite builds both with ``python -m build --no-isolation`` (the sdist, then the
wheel from the sdist), with the setuptools the ``test`` extra installs.
"""

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
import tomllib

import assurance_ledger

PIP_INSTALL = [sys.executable, "-m", "pip", "install", "-q", "--no-deps"]
ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# What the package reads at run time: the demo's example, the country table, the type marker.
PACKAGE_DATA = ("data/canada-us-2020.jsonl", "countries.tsv", "py.typed")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the sdist and the wheel built from this tree."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _one(dist: Path, pattern: str) -> Path:
    (found,) = dist.glob(pattern)
    return found


def _metadata(dist: Path) -> tuple[zipfile.ZipFile, str]:
    wheel = zipfile.ZipFile(_one(dist, "*.whl"))
    name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
    return wheel, wheel.read(name).decode("utf-8")


def test_both_ship_the_licence_and_the_package_data(dist: Path) -> None:
    """Rule: the sdist and the wheel carry the LICENSE and every data file the package reads."""
    with tarfile.open(_one(dist, "*.tar.gz")) as sdist:
        in_sdist = {n.partition("/")[2] for n in sdist.getnames()}
    assert "LICENSE" in in_sdist
    for data in PACKAGE_DATA:
        assert f"src/assurance_ledger/{data}" in in_sdist, data
    wheel, _ = _metadata(dist)
    in_wheel = set(wheel.namelist())
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in in_wheel)
    for data in PACKAGE_DATA:
        assert f"assurance_ledger/{data}" in in_wheel, data
    bundled = wheel.read("assurance_ledger/data/canada-us-2020.jsonl")
    assert bundled == (ROOT / "examples" / "canada-us-2020.jsonl").read_bytes()


def test_the_sdist_is_the_whole_source_without_built_output(dist: Path) -> None:
    """Rule: the sdist holds the tests, docs, example and benchmarks, and no built site.

    So that it can be tested and its site built; ``docs/_build`` and the API
    pages written at each build (``docs/api/generated``) are output, not source.
    """
    with tarfile.open(_one(dist, "*.tar.gz")) as sdist:
        in_sdist = {n.partition("/")[2] for n in sdist.getnames()}
    for source in (
        "CHANGELOG.md",
        "README.md",
        "tests/conftest.py",
        "tests/_cli_helpers.py",
        "tests/hostile/base.jsonl",
        "docs/conf.py",
        "docs/index.md",
        "docs/notebooks/tour.ipynb",
        "examples/canada-us-2020.jsonl",
        "examples/canada-us-2020.csv",
        "benchmarks/run.py",
    ):
        assert source in in_sdist, source
    built = [n for n in in_sdist if n.startswith(("docs/_build", "docs/api/generated"))]
    assert not built
    assert not [n for n in in_sdist if "__pycache__" in n]


def test_the_metadata_states_version_licence_and_python(dist: Path) -> None:
    """Rule: the wheel's metadata gives ``__version__``, the MIT licence and requires-python."""
    _, text = _metadata(dist)
    metadata = Parser().parsestr(text)
    assert metadata["Version"] == assurance_ledger.__version__
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == PYPROJECT["project"]["requires-python"]
    assert metadata["Description-Content-Type"] == "text/markdown"


def test_the_python_versions_claimed_are_the_ones_checked() -> None:
    """Rule: requires-python's floor is the version mypy and ruff check, and the lowest claimed.

    A version is claimed only when mypy checks it (its ``python_version``) or CI
    runs the suite on it: claiming the floor means mypy must check that one.
    """
    floor = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert PYPROJECT["tool"]["mypy"]["python_version"] == floor
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py" + floor.replace(".", "")
    claimed = {
        c.rpartition(" :: ")[2]
        for c in PYPROJECT["project"]["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    }
    versions = sorted(tuple(map(int, v.split("."))) for v in claimed)
    assert versions[0] == tuple(map(int, floor.split(".")))


def test_the_wheel_alone_runs_version_and_demo(dist: Path, tmp_path: Path) -> None:
    """Rule: the wheel, installed on its own, runs ``--version`` and ``demo`` from an empty folder.

    Installed with ``--target`` ahead of everything on the path, so that this
    checkout's files cannot stand in for what the wheel lacks.
    """
    target, empty = tmp_path / "site", tmp_path / "empty"
    empty.mkdir()
    wheel = _one(dist, "*.whl")
    subprocess.run(
        [*PIP_INSTALL, "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=empty, env=env, capture_output=True, text=True, check=False
        )

    where = run("-c", "import assurance_ledger; print(assurance_ledger.__file__)")
    assert where.stdout.startswith(str(target)), where.stdout + where.stderr
    script = target / "bin" / "assurance-ledger"
    version = run(str(script), "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"assurance-ledger {assurance_ledger.__version__}"
    demo = run(str(script), "demo")
    assert demo.returncode == 0, demo.stderr
    assert "chain verified" in demo.stdout
    assert "Breaches:" in demo.stdout
    assert list(empty.iterdir()) == []
