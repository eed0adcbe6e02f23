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


PROGRAMS = {
    "design_framework.cli",
    "design_framework.bench",
    "design_framework.judgement",
    "design_framework.notes_points",
}
"""Command-line programs kept in design_framework for `python -m design_framework ...`: they
sit above both packages and may import either."""


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
    design_framework (its programs aside) imports scenarios, and scenarios imports none of
    those programs."""
    backwards = [
        f"{name} imports {module}"
        for name, path in _modules("design_framework")
        if name not in PROGRAMS and not name.endswith("__main__")
        for module in _imports(path)
        if module == "scenarios" or module.startswith("scenarios.")
    ]
    assert backwards == []
    into_programs = [
        f"{name} imports {module}"
        for name, path in _modules("scenarios")
        for module in _imports(path)
        if module in PROGRAMS
    ]
    assert into_programs == []
