"""## What it does
Checks the VPN proxy settings: `Proxy/Manual/Server` must be a host name or IP address followed
by `:` and the port, without a URL scheme; `Proxy/AutoConfigUrl` must be an absolute `http://`
or `https://` URL.

## Why is this bad?
The manual proxy is a host and port, as in `proxy.corp.example.com:8080`; the ProfileXML has no
separate port element, so the port goes after a colon. A scheme (`http://proxy...`) makes the
entry something other than a host name, and without a port the proxy is reached on a port that
is probably not the one it listens on. The proxy auto-configuration script is downloaded from
`AutoConfigUrl`, which therefore needs an absolute web address; a bare host name or a file path
cannot be fetched. In every case browsers and apps on the tunnel lose their way to the web.

Sources: the VPNv2 CSP node reference (Proxy/Manual/Server, Proxy/AutoConfigUrl); the
host:port form follows the current CSP text and Microsoft's samples.

## Example
    <Proxy>
      <Manual><Server>http://proxy.corp.example.com</Server></Manual>
      <AutoConfigUrl>proxy.corp.example.com/proxy.pac</AutoConfigUrl>
    </Proxy>

## Use instead
    <Proxy>
      <Manual><Server>proxy.corp.example.com:8080</Server></Manual>
    </Proxy>

or only `<AutoConfigUrl>http://proxy.corp.example.com/proxy.pac</AutoConfigUrl>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from aovpn_lint.api import Document, DocumentKind, Finding, RuleMeta, Severity, hookimpl, profile_of

RULE = RuleMeta(
    doc=__doc__,
    id="AOV803",
    name="invalid-proxy",
    severity=Severity.WARNING,
    short="Proxy server without host:port form, or AutoConfigUrl not an absolute http(s) URL",
    help_uri="https://learn.microsoft.com/windows/client-management/mdm/vpnv2-csp#deviceuservpnv2profilenameproxy",
    tags=("profilexml", "proxy"),
    precision="high",
    documented=True,
    sources=("VPNv2 CSP: Proxy/Manual/Server, Proxy/AutoConfigUrl",),
    kinds=(DocumentKind.PROFILE,),
)

_HOST_PORT = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):\d{1,5}$")


@hookimpl(specname="aovpn_lint_check")
def check(document: Document) -> Iterator[Finding]:
    profile = profile_of(document)
    proxy = None if profile is None else profile.root.find("Proxy")
    if proxy is None:
        return
    manual = proxy.find("Manual")
    server = None if manual is None else manual.find("Server")
    if server is not None and server.value is not None and server.text:
        problem = _server_problem(server.text)
        if problem is not None:
            yield RULE.finding(server.value_loc, problem)
    url = proxy.find("AutoConfigUrl")
    if url is not None and url.value is not None and not _is_web_url(url.text):
        shown = f"'{url.text}'" if url.text else "empty"
        yield RULE.finding(
            url.value_loc if url.text else url.loc,
            f"AutoConfigUrl is {shown}, "
            "not an absolute http(s) URL; write the full address of the PAC file, "
            "such as 'http://proxy.corp.example.com/proxy.pac'",
        )


def _server_problem(text: str) -> str | None:
    if "://" in text:
        rest = text.split("://", 1)[1].rstrip("/")
        return f"proxy Server '{text}' has a URL scheme; write host:port only, such as '{rest}'"
    if not _HOST_PORT.match(text):
        return (
            f"proxy Server '{text}' has no port; add it after a colon, such as "
            f"'{text}:8080' (there is no separate port element)"
        )
    return None


def _is_web_url(text: str) -> bool:
    if not text or any(ch.isspace() for ch in text):
        return False
    parts = urlsplit(text)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
