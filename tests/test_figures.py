"""The figure package (izhic.figures): its registry, its layout, its doctests.

One module per reproduced source, the registry in the package, the protocols
as data in izhic.protocols, general drawing helpers in izhic.plotting, and
imports that go one way (no cycle, not even through a function-level import):
models -> simulate -> analysis -> plotting -> figures -> cli."""
import ast
import doctest
import importlib
from pathlib import Path

import pytest

from izhic.figures import FIGURES
from izhic.figures.rs_study import rs_sweep

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "izhic"
FIGURE_MODULES = ["izhic.figures", "izhic.figures.rs_study", "izhic.figures.izhikevich2003",
                  "izhic.figures.izhikevich2004", "izhic.figures.izhikevich2006",
                  "izhic.figures.izhikevich2007",
                  "izhic.figures.phase_plane", "izhic.figures.figure1m",
                  "izhic.figures._common"]


def test_figure_registry():
    assert list(FIGURES) == ["rs_sweep", "features_2004", "neuron_types_2003",
                             "cell_types_2007", "network_2003", "polychronization_2006",
                             "phase_plane"]
    assert FIGURES["rs_sweep"] is rs_sweep
    for name, func in FIGURES.items():
        # `izhic figure --list` shows the first line of the docstring
        assert func.__doc__ and func.__doc__.strip().splitlines()[0], name
        # each lives in the module named after what it reproduces
        assert func.__module__.startswith("izhic.figures."), name


def test_registry_modules_are_named_after_their_source():
    where = {name: func.__module__.rsplit(".", 1)[1] for name, func in FIGURES.items()}
    assert where == {"rs_sweep": "rs_study", "features_2004": "izhikevich2004",
                     "neuron_types_2003": "izhikevich2003",
                     "cell_types_2007": "izhikevich2007", "network_2003": "izhikevich2003",
                     "polychronization_2006": "izhikevich2006",
                     "phase_plane": "phase_plane"}
    from izhic import figures, plotting
    assert figures.new_figure is plotting.new_figure
    for old in ("repertoire", "figures_2007"):
        assert not (PACKAGE / f"{old}.py").exists()


@pytest.mark.parametrize("name", FIGURE_MODULES)
def test_doctests_run_examples(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path, name):
    """Every izhic module that ``path`` imports, at any level (functions included)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "izhic"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            if module.split(".")[0] != "izhic":
                continue
            # "from . import x": x is a module of the package when there is a file for
            # it (x.py, a package x/, or the compiled x.pyx)
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                as_path = PACKAGE.parent.joinpath(*sub.split("."))
                is_module = as_path.is_dir() or any(as_path.with_suffix(ext).exists()
                                                    for ext in (".py", ".pyx"))
                found.add(sub if is_module else module)
    return found


def import_graph():
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = _module_name(path)
        graph[name] = _imports(path, name) - {name}
    return graph


def import_cycles(graph):
    """The import cycles of ``graph`` (one per back edge of a depth-first search)."""
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


#: The drawing layer this package's layout is about.
DRAWING = ("izhic.plotting", "izhic.protocols", "izhic.network", "izhic.figures", "izhic.cli")


def test_no_import_cycle_through_the_drawing_layer():
    graph = import_graph()
    assert "izhic.figures.izhikevich2004" in graph and "izhic.cli" in graph
    for cycle in import_cycles(graph):
        assert not any(m.startswith(DRAWING) for m in cycle), " -> ".join(cycle)


def test_no_import_cycle():
    cycles = import_cycles(import_graph())
    assert not cycles, "; ".join(" -> ".join(c) for c in cycles)


def test_figures_sit_between_plotting_and_cli():
    graph = import_graph()
    figures = {m for m in graph if m.startswith("izhic.figures")}
    for module in figures:
        assert "izhic.cli" not in graph[module], module
        # a figure module never imports the package that collects it
        if module != "izhic.figures":
            assert "izhic.figures" not in graph[module], module
    for module in ("izhic.plotting", "izhic.protocols", "izhic.analysis", "izhic.simulate",
                   "izhic.models", "izhic.network"):
        assert not graph[module] & (figures | {"izhic.cli"}), module
