"""The ProfileXML loader: encodings as Windows writes them, exact locations, wrapped profiles."""

from __future__ import annotations

from pathlib import Path

from aovpn_lint.load import dispatch
from aovpn_lint.model.document import Document, DocumentKind, ParseProblem
from aovpn_lint.model.tree import Node

PROFILE = """<VPNProfile>
  <NativeProfile>
    <Servers>vpn.example.com</Servers>
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
  </NativeProfile>
  <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
</VPNProfile>
"""


def load_bytes(data: bytes, name: str) -> tuple[list[Document], list[ParseProblem]]:
    """The documents of a file, and the problems its BROKEN document carries."""
    documents = dispatch.load_bytes(data, name)
    problems = [p for d in documents if d.kind is DocumentKind.BROKEN for p in d.payload]
    return [d for d in documents if d.kind is not DocumentKind.BROKEN], problems


def _find(root: Node, tag: str) -> Node:
    for node in root.iter():
        if node.tag == tag:
            return node
    raise AssertionError(f"no <{tag}>")


def test_every_element_has_its_exact_line_and_column() -> None:
    docs, problems = load_bytes(PROFILE.encode(), "p.xml")
    assert problems == []
    root = docs[0].root
    assert root is not None
    assert (root.loc.line, root.loc.col) == (1, 1)
    servers = _find(root, "Servers")
    assert (servers.loc.line, servers.loc.col, servers.loc.end_col) == (3, 5, 13)
    assert (servers.value_loc.line, servers.value_loc.col, servers.value_loc.end_col) == (3, 14, 29)
    prefix = _find(root, "PrefixSize")
    assert (prefix.loc.line, prefix.loc.col) == (6, 37)
    assert (prefix.value_loc.line, prefix.value_loc.col) == (6, 49)


def test_several_elements_on_one_line_get_distinct_columns() -> None:
    text = (
        "<VPNProfile>"
        "<Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>"
        "<Route><Address>10.1.0.0</Address><PrefixSize>16</PrefixSize></Route>"
        "</VPNProfile>"
    )
    docs, _ = load_bytes(text.encode(), "one-line.xml")
    root = docs[0].root
    assert root is not None
    addresses = [n for n in root.iter() if n.tag == "Address"]
    assert [a.loc.col for a in addresses] == [
        text.index("<Address>") + 1,
        text.rindex("<Address>") + 1,
    ]


def test_comments_containing_tags_do_not_shift_columns() -> None:
    text = (
        "<VPNProfile><!-- <Route> old -->"
        "<Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route></VPNProfile>"
    )
    docs, _ = load_bytes(text.encode(), "c.xml")
    route = _find(docs[0].root, "Route")  # type: ignore[arg-type]
    assert route.loc.col == text.index("<Route><Address") + 1


def test_utf16_with_bom_and_crlf_like_windows_tools() -> None:
    text = '<?xml version="1.0" encoding="utf-16"?>\r\n' + PROFILE.replace("\n", "\r\n")
    data = b"\xff\xfe" + text.encode("utf-16-le")
    docs, problems = load_bytes(data, "u16.xml")
    assert problems == []
    servers = _find(docs[0].root, "Servers")  # type: ignore[arg-type]
    assert (servers.loc.line, servers.loc.col) == (4, 5)
    assert servers.text == "vpn.example.com"


def test_utf16_big_endian_and_utf8_bom() -> None:
    for data in (b"\xfe\xff" + PROFILE.encode("utf-16-be"), b"\xef\xbb\xbf" + PROFILE.encode()):
        docs, problems = load_bytes(data, "x.xml")
        assert problems == [] and docs[0].root is not None


def test_profile_wrapped_in_other_xml_is_found() -> None:
    text = "<Deployment>\n  <Item>\n" + PROFILE + "  </Item>\n</Deployment>\n"
    docs, problems = load_bytes(text.encode(), "wrapped.xml")
    assert problems == [] and len(docs) == 1
    assert docs[0].root is not None and docs[0].root.tag == "VPNProfile"
    assert docs[0].root.loc.line == 3
    assert _find(docs[0].root, "Servers").loc.line == 5


def test_two_wrapped_profiles_give_two_documents() -> None:
    text = f"<Profiles>{PROFILE}{PROFILE}</Profiles>"
    docs, _ = load_bytes(text.encode(), "two.xml")
    assert len(docs) == 2
    assert docs[0].root is not docs[1].root


def test_xml_without_a_profile_is_not_a_profile() -> None:
    docs, problems = load_bytes(b"<configuration><appSettings/></configuration>", "app.config.xml")
    assert problems == [] and docs[0].kind == "xml"


def test_misspelt_root_is_only_the_root_of_an_xml_document() -> None:
    docs, problems = load_bytes(b"<VpnProfile><NativeProfile/></VpnProfile>", "r.xml")
    assert problems == [] and [d.kind for d in docs] == [DocumentKind.XML]
    assert docs[0].root is not None and docs[0].root.children == ()  # AOV101 reports the root


def test_malformed_xml_is_a_located_problem() -> None:
    docs, problems = load_bytes(b"<VPNProfile>\n  <AlwaysOn>true</AlwaysOn\n</VPNProfile>", "m.xml")
    assert docs == []
    assert problems[0].loc.line in (2, 3)
    assert "not well-formed" in problems[0].message


def test_doctype_is_refused_and_entities_never_expand(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    text = f'<!DOCTYPE VPNProfile [<!ENTITY x SYSTEM "file://{secret}">]>\n<VPNProfile><ProfileName>&x;</ProfileName></VPNProfile>'
    docs, problems = load_bytes(text.encode(), "xxe.xml")
    assert docs == [] and problems
    assert "DOCTYPE" in problems[0].message and "TOP-SECRET" not in problems[0].message


def test_invalid_utf8_is_located() -> None:
    data = PROFILE.encode().replace(b"vpn.example.com", b"vpn.\xffexample.com")
    docs, problems = load_bytes(data, "bad.xml")
    assert docs == [] and problems
    assert (problems[0].loc.line, problems[0].loc.col) == (3, 18)


def test_eap_and_plugin_configuration_are_opaque() -> None:
    text = """<VPNProfile><NativeProfile><Authentication><Eap><Configuration>
<EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig"><Anything/></EapHostConfig>
</Configuration></Eap></Authentication></NativeProfile></VPNProfile>"""
    docs, _ = load_bytes(text.encode(), "eap.xml")
    config = _find(docs[0].root, "Configuration")  # type: ignore[arg-type]
    assert config.opaque and config.find("EapHostConfig") is not None
    assert "Anything" not in {node.tag for node in docs[0].root.iter()}  # type: ignore[union-attr]
