"""The house rule: the domain packages never import Streamlit."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ("components", "scenarios", "design_framework", "storage")


def test_importing_every_domain_module_loads_no_streamlit():
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in DOMAIN
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__main__.py"
    )
    assert len(modules) > 30
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def _imports(path: Path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def _modules(package: str):
    for path in (ROOT / package).rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        yield name, path


def test_packages_point_one_way_scenarios_build_on_the_framework():
    """scenarios uses the framework's steps, rubric and sessions; no library module of
    design_framework imports scenarios, at its top or inside a function. The one exception
    is the package's __main__, the command line of the contract (python -m design_framework
    check), an application on top of both, like the app's pages."""
    modules = [(n, p) for n, p in _modules("design_framework") if p.name != "__main__.py"]
    assert len(modules) > 20
    backwards = [
        f"{name} imports {module}"
        for name, path in modules
        for module in _imports(path)
        if module == "scenarios" or module.startswith("scenarios.")
    ]
    assert backwards == []


def test_the_product_packages_do_not_reach_into_tests():
    """The judgement suite and the notes gold sets are test fixtures: their runners live
    under tests/, and no product module names that folder."""
    reaching = [
        f"{name} imports {module}"
        for package in ("components", "design_framework", "scenarios", "storage", "ui")
        for name, path in _modules(package)
        for module in _imports(path)
        if module == "tests" or module.startswith("tests.")
    ]
    assert reaching == []
    named = [
        name
        for package in ("components", "design_framework", "scenarios", "storage")
        for name, path in _modules(package)
        if '"tests"' in path.read_text()  # a path built into the tests folder
    ]
    assert named == []
