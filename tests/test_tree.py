"""The one-pass Node tree: exact spans for every element, and the schema facts read from it.

Spans are checked against the text itself on every fixture, example and real profile: the
element's span starts with its start tag and ends with its end tag, the value span holds its
stripped value. That is what locations and fixes are computed from.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.linter import lint_file
from aovpn_lint.load.profilexml import load_profile_text
from aovpn_lint.model.document import DocumentKind
from aovpn_lint.model.facts import Facts
from aovpn_lint.model.positions import Source
from aovpn_lint.model.tree import Node
from aovpn_lint.read import Target
from helpers import CORPUS, EXAMPLES, FIXTURES

XML_FILES = sorted(
    [p for p in FIXTURES.rglob("*.xml")]
    + [p for p in EXAMPLES.rglob("*.xml")]
    + ([p for p in CORPUS.rglob("*.xml")] if CORPUS.is_dir() else []),
)


def _load(text: str, name: str = "p.xml", placeholders: bool = False) -> list[Node]:
    documents, problems = load_profile_text(text, Source(name, text), placeholders=placeholders)
    assert not problems, problems
    return [d.root for d in documents if d.kind is DocumentKind.PROFILE and d.root is not None]


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig", "replace")


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_span_slices_its_element_out_of_the_text(path: Path) -> None:
    text = _decode(path)
    try:
        roots = _load(text, path.name)
    except AssertionError:
        pytest.skip("not well-formed on purpose")
    for root in roots:
        for node in root.iter():
            span = node.span
            markup = text[span.start : span.end]
            assert markup.startswith("<" + (text[span.start + 1 : span.name_end]))
            assert text[span.start + 1 : span.name_end].split(":")[-1] == node.tag
            assert markup.endswith(">")
            if (
                node.value is not None
                and span.value_start >= 0
                and "&" not in markup
                and "<![CDATA[" not in markup
            ):
                assert text[span.value_start : span.value_end] == node.value.strip()


def test_a_clean_profile_gives_empty_facts() -> None:
    routes = "".join(
        f"<Route><Address>10.{i}.0.0</Address><PrefixSize>16</PrefixSize></Route>"
        for i in range(200)
    )
    text = (
        "<VPNProfile><AlwaysOn>true</AlwaysOn><NativeProfile><Servers>vpn.example.com</Servers>"
        "<NativeProtocolType>IKEv2</NativeProtocolType><RoutingPolicyType>SplitTunnel"
        "</RoutingPolicyType><DisableClassBasedDefaultRoute>true</DisableClassBasedDefaultRoute>"
        "<Authentication><MachineMethod>Certificate</MachineMethod></Authentication>"
        f"</NativeProfile>{routes}</VPNProfile>"
    )
    (root,) = _load(text)
    facts = Facts(root)
    assert (facts.unknown, facts.duplicates, facts.incomplete, facts.questioned) == ([], [], [], [])
    assert len(root.find_all("Route")) == 200


def test_a_bad_value_deep_in_the_tree_is_located_at_its_value() -> None:
    routes = "".join(
        f"<Route><Address>10.{i}.0.0</Address><PrefixSize>16</PrefixSize></Route>"
        for i in range(50)
    )
    text = (
        f"<VPNProfile>{routes}<Route><Address>10.0.0.300</Address><PrefixSize>8</PrefixSize>"
        "</Route></VPNProfile>"
    )
    (root,) = _load(text)
    ((node, spec, problem, _),) = Facts(root).questioned
    column = text.index("10.0.0.300") + 1
    assert (node.tag, spec.name, node.value_loc.col) == ("Address", "Address", column)
    assert problem is not None and "10.0.0.300" in problem


def test_opaque_content_is_kept_but_not_walked() -> None:
    text = (
        "<VPNProfile><NativeProfile><Authentication><UserMethod>Eap</UserMethod><Eap>"
        "<Configuration><EapHostConfig><Bogus/></EapHostConfig></Configuration></Eap>"
        "</Authentication></NativeProfile></VPNProfile>"
    )
    (root,) = _load(text)
    configuration = next(n for n in root.iter() if n.tag == "Configuration")
    assert configuration.opaque and configuration.find("EapHostConfig") is not None
    assert "Bogus" not in {n.tag for n in root.iter()}
    assert all(n.tag != "Bogus" for n, _ in Facts(root).unknown)


def test_a_linted_file_leaves_no_reference_cycles_behind(tmp_path: Path) -> None:
    """Trees are plain values without parent links: reference counting frees them."""
    path = tmp_path / "p.xml"
    path.write_text((FIXTURES / "AOV301" / "bad.xml").read_text(encoding="utf-8"), encoding="utf-8")
    rules = RuleSet(load_entry_points=False)
    config = Config(select=("AOV301",))
    lint_file(Target(str(path)), rules, config, False)  # imports and caches settle first
    gc.collect()
    gc.disable()
    try:
        result = lint_file(Target(str(path)), rules, config, False)
        assert result.findings
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_required_element_in_another_namespace_is_unknown_not_missing() -> None:
    text = (
        '<VPNProfile><NativeProfile><Servers xmlns="urn:x">vpn.contoso.com</Servers>'
        "<NativeProtocolType>IKEv2</NativeProtocolType>"
        "<Authentication><UserMethod>Eap</UserMethod></Authentication></NativeProfile>"
        "</VPNProfile>"
    )
    (root,) = _load(text)
    found = Facts(root)
    assert [(n.tag, n.namespace) for n, _ in found.unknown] == [("Servers", "urn:x")]
    assert found.incomplete == []


def test_the_run_time_placeholder_means_nothing_in_a_plain_xml_file() -> None:
    text = (
        "<VPNProfile><NativeProfile><RoutingPolicyType>SplitTunnel\ue000"
        "</RoutingPolicyType></NativeProfile></VPNProfile>"
    )
    (plain,) = _load(text)
    (scripted,) = _load(text, "Deploy.ps1", placeholders=True)
    assert [spec.name for _, spec, problem, _ in Facts(plain).questioned if problem] == [
        "RoutingPolicyType"
    ]
    assert Facts(scripted).questioned == []
    policy = scripted.find("NativeProfile").find("RoutingPolicyType")  # type: ignore[union-attr]
    assert policy is not None and policy.value is None and policy.unresolved


def test_self_closing_and_empty_elements_have_exact_spans() -> None:
    text = "<VPNProfile>\r\n  <AlwaysOn/>\r\n  <DnsSuffix>  </DnsSuffix>\r\n</VPNProfile>"
    (root,) = _load(text)
    always_on, suffix = root.children
    assert text[always_on.span.start : always_on.span.end] == "<AlwaysOn/>"
    assert always_on.value_loc == always_on.loc
    assert (suffix.loc.line, suffix.loc.col) == (3, 3)
    assert text[suffix.span.start : suffix.span.end] == "<DnsSuffix>  </DnsSuffix>"
