"""The import structure: packages import one way (no cycle between glutefire's packages), and the
two containers (keypoints, result) and the policy sit below every stage."""

from __future__ import annotations

import ast
from collections import defaultdict

from conftest import ROOT

SRC = ROOT / "src" / "glutefire"
#: Top-level modules every stage may import; they import only each other.
FOUNDATION = {"errors", "landmarks", "datafiles", "policy", "keypoints", "result"}


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        me = parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [node.module]
                if isinstance(node, ast.ImportFrom) and node.module
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            for name in names:
                bits = name.split(".")
                if bits[0] == "glutefire" and len(bits) > 1 and bits[1] != me:
                    edges[me].add(bits[1])
    return edges


def _reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_import_cycle_between_packages():
    edges = _graph()
    cycles = sorted((a, b) for a in edges for b in edges[a] if a in _reachable(edges, b))
    assert cycles == []


def test_containers_and_policy_import_only_the_foundation():
    edges = _graph()
    for module in FOUNDATION:
        assert edges.get(module, set()) <= FOUNDATION, module


def test_screening_does_not_import_later_stages():
    later = {"reports", "programming", "store", "tracking", "cli", "web", "batch"}
    assert not (_reachable(_graph(), "screening") & later)
