"""## What it does
Finds elements that are not part of the ProfileXML schema where they appear, such as
`NativePolicy` for `NativeProfile` or `DNSServers` for `DnsServers`, and suggests the intended
name.

## Why is this bad?
Element names are case-sensitive. Windows 10 ignores elements it does not know: a misspelt
element is dropped without an error, so the setting it was meant to carry never applies (the
profile imports, but routes, DNS rules or the whole connection definition are missing). Windows 11
has rejected ProfileXML that Windows 10 accepted (Event 404, "unable to parse"; reported in
azure-docs issue 109759), so an unknown element is ignored, or the whole profile rejected.

Two kinds of element are not typos and get no did-you-mean:

- read-only CSP nodes that Windows sets itself (`DomainNameInformation/DomainNameType`,
  `App/Type`): their CSP entries support Get only; remove them;
- `Proxy/Manual/Port`, which does not exist: the port goes after a colon in
  `Proxy/Manual/Server` (`proxy.example.com:8080`).

## Example
    <VPNProfile>
      <NativePolicy>
        <Servers>vpn.example.com</Servers>
      </NativePolicy>
    </VPNProfile>

## Use instead
    <VPNProfile>
      <NativeProfile>
        <Servers>vpn.example.com</Servers>
      </NativeProfile>
    </VPNProfile>

Fix: a misspelt name with exactly one did-you-mean (`NativePolicy`, `DNSServers`) is renamed
in its start and end tags (safe); `Proxy/Manual/Port` is merged into `Server` as `host:port`
and removed (unsafe: check that the proxy listens there). Nothing is renamed when the intended
element is already there.

Content inside `Eap/Configuration` and `PluginProfile/CustomConfiguration` belongs to other
schemas and is not checked. The schema is the union of the ProfileXML XSD and the elements the
VPNv2 CSP documents (including Windows 11 elements such as `IPv4InterfaceMetric`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from aovpn_lint.api import (
    WRAPPERS,
    Document,
    DocumentKind,
    Finding,
    Fix,
    Fixability,
    Node,
    RuleMeta,
    Severity,
    Spec,
    hookimpl,
    is_misplaced,
    is_wrapper,
    read_only,
    remove,
    rename,
    replace_value,
    suggest,
)

_IGNORED = "is ignored by Windows 10 and may make Windows 11 reject the whole profile"

RULE = RuleMeta(
    doc=__doc__,
    id="AOV101",
    name="unknown-element",
    severity=Severity.ERROR,
    short="Element is not part of ProfileXML here: ignored, or the whole profile rejected",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#profilexml-xsd-schema",
    tags=("profilexml", "schema"),
    documented=True,
    sources=(
        "ProfileXML XSD in the VPNv2 CSP reference",
        "VPNv2 CSP node reference",
        "azure-docs issue 109759: Windows 11 rejects ProfileXML that Windows 10 accepted",
    ),
    kinds=(DocumentKind.PROFILE, DocumentKind.XML),
    fixable=Fixability.SAFE,
)


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    if document.root is None:
        return
    if document.kind is DocumentKind.XML:
        yield from _misspelt_root(document.root)
        return
    for node, parent_spec in document.facts.unknown:
        if is_misplaced(node, parent_spec, document.root.namespace):
            continue  # a real element in the wrong place: AOV105
        yield RULE.finding(
            node.loc,
            _message(node, parent_spec, document.root),
            fix=_fix(node, parent_spec, document.root),
        )


def _fix(node: Node, parent_spec: Spec, root: Node) -> Fix | None:
    if node.namespace != root.namespace or read_only(node.tag, parent_spec) is not None:
        return None
    if (parent_spec.name, node.tag) == ("Manual", "Port"):
        return _merge_port(node, root)
    if is_wrapper(node, parent_spec):
        return None
    name = _only_suggestion(node.tag, parent_spec)
    parent = _parent(node, root)
    if name is None or parent is None or parent.has(name):
        return None
    if any(
        other is not node and _only_suggestion(other.tag, parent_spec) == name
        for other in parent.children
    ):
        return None  # two misspellings of one name: renaming both would repeat the element
    edits = rename(node, name)
    return Fix(f"rename <{node.tag}> to <{name}>", edits) if edits else None


def _only_suggestion(name: str, spec: Spec) -> str | None:
    """The intended name when there is exactly one candidate for it."""
    allowed = list(spec.by_name)
    same = [candidate for candidate in allowed if candidate.lower() == name.lower()]
    if same:
        return same[0]
    hint = suggest(name, spec)
    lowered = {candidate.lower(): candidate for candidate in allowed}
    candidates = set(difflib.get_close_matches(name, allowed, n=3, cutoff=0.75))
    candidates |= {
        lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.75)
    }
    if hint is not None:
        candidates.add(hint)
    return candidates.pop() if len(candidates) == 1 else None


def _parent(node: Node, root: Node) -> Node | None:
    return next((n for n in root.iter() if any(c is node for c in n.children)), None)


def _merge_port(port: Node, root: Node) -> Fix | None:
    """<Server>host</Server><Port>8080</Port> -> <Server>host:8080</Server>."""
    manual = _parent(port, root)
    if manual is None or len(manual.find_all("Port")) != 1 or not port.text.isdigit():
        return None
    server = manual.find("Server")
    if server is None or not server.text or ":" in server.text:
        return None
    address = f"{server.text}:{port.text}"
    value = replace_value(server, address)
    if value is None:
        return None
    return Fix(f"write '{address}' in <Server>, remove <Port>", (value, remove(port)), safe=False)


def _message(node: Node, parent_spec: Spec, root: Node) -> str:
    namespace = root.namespace
    where = f"under <{parent_spec.name}>"
    foreign = bool(node.namespace) and node.namespace != namespace
    returns = None if foreign else read_only(node.tag, parent_spec)
    if returns is not None:
        return (
            f"<{node.tag}> {where} is a read-only CSP node that Windows sets itself "
            f"({returns}); remove it"
        )
    if not foreign and (parent_spec.name, node.tag) == ("Manual", "Port"):
        return _proxy_port(node, root)
    if is_wrapper(node, parent_spec):
        inner = WRAPPERS[node.tag]
        return (
            f"<{node.tag}> is the CSP's name for the list, not a ProfileXML element: Windows "
            "10 ignores it and everything in it, and Windows 11 may reject the whole profile; "
            f"remove the wrapper and put its <{inner}> elements directly under "
            f"<{parent_spec.name}>"
        )
    if foreign:
        return (
            f"element <{node.tag}> in namespace '{node.namespace}' is not ProfileXML {where}; "
            f"it {_IGNORED}"
        )
    hint = suggest(node.tag, parent_spec)
    if hint and hint.lower() == node.tag.lower():
        return (
            f"unknown element <{node.tag}> {where}: element names are case-sensitive, so it "
            f"{_IGNORED}; write <{hint}>"
        )
    if hint:
        return f"unknown element <{node.tag}> {where} {_IGNORED}; did you mean <{hint}>?"
    return (
        f"unknown element <{node.tag}> {where} {_IGNORED}; remove it or check the VPNv2 CSP "
        "for the right name"
    )


def _proxy_port(node: Node, root: Node) -> str:
    """Proxy/Manual has no Port element: the port goes after a colon in Server."""
    manual = next((n for n in root.iter() if n.tag == "Manual" and node in n.children), None)
    server = (manual.text_of("Server") if manual is not None else None) or "proxy.example.com"
    host = server.strip().rsplit(":", 1)[0] if server.count(":") == 1 else server.strip()
    return (
        "<Port> under <Manual> is not a ProfileXML element (ignored by Windows 10, and Windows 11 "
        "may reject the whole profile); "
        f"write the port after a colon in <Server>, as '{host}:{node.text.strip() or '8080'}', "
        "and remove <Port>"
    )


def _misspelt_root(root: Node) -> Iterator[Finding]:
    """XML whose root is almost ``VPNProfile`` was meant to be a profile."""
    name = root.tag
    close = difflib.SequenceMatcher(None, name.lower(), "vpnprofile").ratio() >= 0.85
    if name.lower() == "vpnprofile" or close:
        yield RULE.finding(
            root.source.location(0),
            f"root element '{name}' is not a VPN profile; did you mean 'VPNProfile'? "
            "(element names are case-sensitive)",
        )
