"""The project installs as one `bopsim` package built from the top-level folders model/, experiments/, viz/."""
import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("model", "experiments", "viz")
SOURCES = ("model", "experiments", "viz", "tests", "benchmarks", "scenarios")


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_source_folder_is_a_listed_sub_package_of_bopsim():
    # a folder with an __init__.py that is not listed would be missing from `pip install .`
    found = {"bopsim." + ".".join(init.parent.relative_to(ROOT).parts)
             for folder in FOLDERS for init in (ROOT / folder).rglob("__init__.py")}
    assert found <= set(_setuptools()["packages"])
    assert all(name.startswith("bopsim.") for name in _setuptools()["packages"])
    assert {f"bopsim.{folder}": folder for folder in FOLDERS}.items() <= _setuptools()["package-dir"].items()


def test_no_code_imports_the_folders_as_top_level_modules():
    # `import model` fails in an installed environment; only bopsim.model exists there
    stray = []
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                         else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
                stray += [f"{path.relative_to(ROOT)}: {name}" for name in names
                          if name and name.split(".")[0] in FOLDERS]
    assert stray == []


def test_entry_point_names_the_package_module():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"bopsim": "bopsim.experiments.cli:main"}
