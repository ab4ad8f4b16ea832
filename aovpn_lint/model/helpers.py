"""Small helpers shared by rules (no I/O, no state)."""

from __future__ import annotations

import re

from aovpn_lint.model.document import Carrier, Document, DocumentKind
from aovpn_lint.model.positions import Location
from aovpn_lint.model.profile import Profile
from aovpn_lint.model.template import TemplateView, build_template
from aovpn_lint.model.tree import Node


def profile_of(document: Document) -> Profile | None:
    """The typed profile of a ProfileXML document, or None for other kinds of document."""
    if document.kind != "profilexml" or document.root is None:
        return None
    return document.profile


def template_of(document: Document) -> TemplateView | None:
    """The typed view of an Intune VPN template document (from any carrier: Graph JSON,
    IntuneCD, Microsoft365DSC), computed once per document; None for other kinds."""
    if document.kind != DocumentKind.INTUNE_TEMPLATE or document.root is None:
        return None
    view = document._views.get("template")
    if view is None:
        dsc = document.container is not None and document.container.carrier is Carrier.DSC
        view = document._views["template"] = build_template(document.root, dsc)
    assert isinstance(view, TemplateView)
    return view


def value_loc(node: Node | None, fallback: Location) -> Location:
    """Where a node's value is, or ``fallback`` when the node is absent."""
    return node.value_loc if node is not None else fallback


def quote(text: str | None) -> str:
    return f"'{text}'" if text is not None else "nothing"


def eap_configuration_text(config: Node) -> str | None:
    """What ``Eap/Configuration`` holds, as text: its elements (an EapHostConfig), its text
    (empty, or the EAP XML written HTML-encoded), or a comment when it holds nothing else;
    None when it is only known when a script runs."""
    if config.unresolved:
        return None
    if config.children:
        return "".join(
            f"<{n.tag} {n.namespace or ''}>{n.text}</{n.tag}>"
            for n in config.iter(opaque=True)
            if n is not config
        )
    if config.value is not None:
        return config.value
    return "<!-- -->"  # child nodes, but no element: comments only


#: an XML comment as EAP configuration text may carry it: plain, HTML-encoded, or JSON-escaped
_EAP_COMMENT = re.compile(r"<!--.*?-->|&lt;!--.*?--&gt;|\\u003c!--.*?--\\u003e", re.S | re.I)


def without_comments(text: str) -> str:
    """``text`` (from :func:`eap_configuration_text`) without its XML comments, in any of the
    forms a profile carries them (``<!--``, ``&lt;!--``, ``\\u003c!--``)."""
    return _EAP_COMMENT.sub("", text)


def oma_uri_parts(uri: str) -> tuple[str, str, int] | None:
    """(scope, profile name, offset of the name in ``uri``) of a VPNv2 OMA-URI such as
    ``./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML``; the scope is ``user``, ``device``
    or ``""`` (an MDM bridge path without one); None for any other URI."""
    lower = uri.lower()
    at = lower.find("/vpnv2/")
    end = lower.rfind("/profilexml")
    if at == -1 or end < at + len("/vpnv2/"):
        return None
    start = at + len("/vpnv2/")
    head = lower[:at].lstrip("./")
    scope = head.split("/", 1)[0] if head.startswith(("user/", "device/")) else ""
    return scope, uri[start:end], start
