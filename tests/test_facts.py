"""The schema walk (aovpn_lint.model.facts) and the lazily built element tree.

A profile loaded from XML is walked over the parsed lxml tree; after ``settle()`` the same profile
is a plain Node tree and the walk reads Nodes. Both must see the same thing, on every fixture and
on the real corpus. A clean profile must not turn its elements into Nodes: that is what keeps
linting a directory near the parse floor (the benchmark measures the time; this checks the
structure, which does not depend on the machine).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aovpn_lint.model.facts import Facts
from aovpn_lint.model.core import Node
from aovpn_lint.load.profilexml import ElementNode, load_profile_text
from helpers import CORPUS, EXAMPLES, FIXTURES

XML_FILES = sorted(
    [p for p in FIXTURES.rglob("*.xml")] + [p for p in EXAMPLES.rglob("*.xml")]
    + ([p for p in CORPUS.rglob("*.xml")] if CORPUS.is_dir() else []),
)


def _summary(facts: Facts) -> list[tuple[str, ...]]:
    def where(node: Node) -> str:
        return f"{node.path}@{node.loc.line}:{node.loc.col}"

    rows: list[tuple[str, ...]] = []
    rows += [("unknown", where(n), spec.name) for n, spec in facts.unknown]
    rows += [("duplicate", where(n), where(first)) for n, first in facts.duplicates]
    rows += [("incomplete", where(n), spec.name, repr(names)) for n, spec, names in facts.incomplete]
    rows += [("questioned", where(n), spec.name, str(problem), str(preferred))
             for n, spec, problem, preferred in facts.questioned]
    return rows


def _load(path: Path) -> list[tuple[Node, Node]]:
    """(lazily built root, fully built and settled root) for each profile in the file."""
    raw = path.read_bytes()
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8-sig", "replace")
    lazy, _ = load_profile_text(text, str(path))
    built, _ = load_profile_text(text, str(path))
    pairs = []
    for a, b in zip(lazy, built):
        if a.root is None or b.root is None or a.kind != "profilexml":
            continue
        b.root.settle()
        pairs.append((a.root, b.root))
    return pairs


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_walk_over_lxml_matches_walk_over_nodes(path: Path) -> None:
    for lazy, built in _load(path):
        assert isinstance(lazy, ElementNode) and lazy.walk_handle() is not lazy
        assert built.walk_handle() is built  # settled: nothing left to walk but Nodes
        assert _summary(Facts(lazy)) == _summary(Facts(built))


def _built(root: Node) -> int:
    """How many Nodes exist below ``root`` without building any more of them."""
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        count += 1
        children = node._children
        if children:
            stack.extend(children)
    return count


def test_a_clean_profile_is_linted_without_building_its_routes() -> None:
    routes = "".join(f"<Route><Address>10.{i}.0.0</Address><PrefixSize>16</PrefixSize></Route>"
                     for i in range(200))
    text = ("<VPNProfile><AlwaysOn>true</AlwaysOn><NativeProfile><Servers>vpn.example.com</Servers>"
            "<NativeProtocolType>IKEv2</NativeProtocolType><RoutingPolicyType>SplitTunnel"
            "</RoutingPolicyType><DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>"
            "<Authentication><MachineMethod>Certificate</MachineMethod></Authentication>"
            f"</NativeProfile>{routes}</VPNProfile>")
    from aovpn_lint.engine.config import Config
    from aovpn_lint.engine.rules import RuleSet

    (document,), problems = load_profile_text(text, "clean.xml")
    assert not problems
    findings = RuleSet(load_entry_points=False).check(document, Config())
    assert findings == []
    assert document.root is not None
    # the profile's direct children and the NativeProfile's: no Address or PrefixSize Node
    assert _built(document.root) <= 2 + 200 + 8


def test_a_finding_deep_in_a_clean_tree_builds_only_the_way_to_it() -> None:
    routes = "".join(f"<Route><Address>10.{i}.0.0</Address><PrefixSize>16</PrefixSize></Route>"
                     for i in range(50))
    text = f"<VPNProfile>{routes}<Route><Address>10.0.0.300</Address><PrefixSize>8</PrefixSize></Route></VPNProfile>"
    (document,), _ = load_profile_text(text, "deep.xml")
    assert document.root is not None
    (node, spec, problem, _), = Facts(document.root).questioned
    column = text.index("10.0.0.300") + 1
    assert (node.path, spec.name, node.value_loc.col) == ("VPNProfile/Route/Address", "Address", column)
    assert problem is not None and "10.0.0.300" in problem
    assert _built(document.root) == 1 + 51 + 2  # the root, its Routes, the last Route's children


def test_a_linted_file_leaves_no_reference_cycles_behind(tmp_path: Path) -> None:
    """Trees are unlinked once linted, so reference counting frees them: the garbage
    collector's full passes, which slow down as a long run allocates, find nothing to do."""
    import gc

    from aovpn_lint.engine.config import Config
    from aovpn_lint.engine.rules import RuleSet
    from aovpn_lint.linter import Target, lint_target

    path = tmp_path / "p.xml"
    path.write_text((FIXTURES / "AOV301" / "bad.xml").read_text(encoding="utf-8"), encoding="utf-8")
    rules = RuleSet(load_entry_points=False)
    lint_target(Target(str(path)), rules, Config(), False)  # imports and caches settle first
    gc.collect()
    gc.disable()
    try:
        result = lint_target(Target(str(path)), rules, Config(), False)
        assert result.findings  # the rules did build nodes and locate them
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_required_element_in_another_namespace_is_unknown_not_missing() -> None:
    text = ('<VPNProfile><NativeProfile><Servers xmlns="urn:x">vpn.contoso.com</Servers>'
            "<NativeProtocolType>IKEv2</NativeProtocolType>"
            "<Authentication><UserMethod>Eap</UserMethod></Authentication></NativeProfile>"
            "</VPNProfile>")
    (document,), _ = load_profile_text(text, "ns.xml")
    assert document.root is not None
    found = Facts(document.root)
    assert [(n.tag, n.namespace) for n, _ in found.unknown] == [("Servers", "urn:x")]
    assert found.incomplete == []


def test_the_run_time_placeholder_means_nothing_in_a_plain_xml_file() -> None:
    text = ("<VPNProfile><NativeProfile><RoutingPolicyType>SplitTunnel\ue000"
            "</RoutingPolicyType></NativeProfile></VPNProfile>")
    (plain,), _ = load_profile_text(text, "plain.xml")
    (scripted,), _ = load_profile_text(text, "Deploy.ps1", placeholders=True)
    assert plain.root is not None and scripted.root is not None
    assert [spec.name for _, spec, problem, _ in Facts(plain.root).questioned if problem] == [
        "RoutingPolicyType"]
    assert Facts(scripted.root).questioned == []
    assert plain.profile.routing_policy == "SplitTunnel\ue000"
    policy = scripted.profile.routing_policy_node
    assert policy is not None and policy.value is None and policy.unresolved
