"""Write the carrier variants of the fix fixtures from their ProfileXML pairs.

For every ``tests/fixtures/fixes/<RULE>/<case>.before.xml`` (and its ``.after.xml``) this
writes the same profile embedded in each carrier a fix must work in: a single-quoted, a
double-quoted and a here-string PowerShell literal, an Intune Graph export (``\\u003c`` style),
a SyncML message and a Markdown page. The embeddings are written with simple, independent
encoders (``json.dumps``, ``html.escape``), not with aovpn-lint's own escaping, so the fixture
test checks that a fix written into a carrier gives what a tool would have written. Run it after
changing an ``.xml`` pair; the files it writes are committed.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable
from pathlib import Path

FIXES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "fixes"


def ps_single(xml: str) -> str:
    return f"$ProfileXML = '{xml.replace(chr(39), chr(39) * 2)}'\nWrite-Output $ProfileXML\n"


def ps_double(xml: str) -> str:
    escaped = "".join("`" + c if c in '`$"' else c for c in xml)
    return f'$ProfileXML = "{escaped}"\nWrite-Output $ProfileXML\n'


def dsc(xml: str) -> str:
    """A Microsoft365DSC configuration: the profile in an OMA setting's double-quoted Value."""
    escaped = "".join("`" + c if c in '`$"' else c for c in xml)
    return (
        "Configuration ContosoVpn\n{\n    Import-DscResource -ModuleName Microsoft365DSC\n"
        "    Node localhost\n    {\n"
        '        IntuneDeviceConfigurationCustomPolicyWindows10 "ContosoUserVpn"\n        {\n'
        '            DisplayName = "Contoso VPN";\n            OmaSettings = @(\n'
        "                MSFT_MicrosoftGraphomaSetting{\n"
        '                    DisplayName = "Contoso VPN"\n'
        '                    OmaUri = "./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML"\n'
        '                    odataType = "#microsoft.graph.omaSettingString"\n'
        f'                    Value = "{escaped}"\n'
        "                }\n            );\n"
        '            Ensure = "Present";\n        }\n    }\n}\n'
    )


def ps_here(xml: str) -> str:
    return f"$ProfileXML = @'\n{xml}'@\nWrite-Output $ProfileXML\n"


def graph(xml: str, graph_style: bool = True) -> str:
    value = json.dumps(xml, ensure_ascii=False)
    for char in "<>&'" if graph_style else "":
        value = value.replace(char, f"\\u{ord(char):04x}")
    setting = {
        "@odata.type": "#microsoft.graph.omaSettingString",
        "displayName": "ProfileXML",
        "omaUri": "./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML",
        "value": "VALUE",
    }
    document = {
        "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
        "displayName": "Contoso VPN",
        "omaSettings": [setting],
    }
    return json.dumps(document, indent=2).replace('"VALUE"', value) + "\n"


def _yaml_document(value: object) -> str:
    from io import StringIO

    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 100
    out = StringIO()
    setting = {
        "@odata.type": "#microsoft.graph.omaSettingString",
        "displayName": "ProfileXML",
        "omaUri": "./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML",
        "value": value,
    }
    document = {
        "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
        "displayName": "Contoso VPN",
        "omaSettings": [setting],
    }
    yaml.dump(document, out)
    return out.getvalue()


def yaml_quoted(xml: str) -> str:
    """An IntuneCD backup: the value double-quoted, continued over lines with backslashes."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return _yaml_document(DoubleQuotedScalarString(xml))


def yaml_block(xml: str) -> str:
    """A hand-kept YAML backup: the value as a literal block."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    return _yaml_document(LiteralScalarString(xml))


def intunecd(xml: str) -> str:
    """An export whose strings escape only what JSON requires (IntuneCD, hand-made exports)."""
    return graph(xml, graph_style=False)


def syncml_cdata(xml: str) -> str:
    return syncml(xml, cdata=True)


def syncml(xml: str, cdata: bool = False) -> str:
    data = f"<![CDATA[{xml}]]>" if cdata else html.escape(xml, quote=False)
    return (
        '<SyncML xmlns="SYNCML:SYNCML1.2">\n  <SyncBody>\n    <Add>\n      <CmdID>1</CmdID>\n'
        "      <Item>\n        <Target><LocURI>./User/Vendor/MSFT/VPNv2/Contoso%20VPN/ProfileXML"
        "</LocURI></Target>\n"
        '        <Meta><Format xmlns="syncml:metinf">chr</Format></Meta>\n'
        f"        <Data>{data}</Data>\n      </Item>\n    </Add>\n    <Final/>\n  </SyncBody>\n"
        "</SyncML>\n"
    )


def markdown(xml: str) -> str:
    return f"# Contoso VPN\n\nThe profile we deploy:\n\n```xml\n{xml}```\n\nThat is all.\n"


#: carriers whose writer re-wraps the whole value, so that no byte-preserving fix can give what
#: it writes for the fixed profile: only the .before file is written, and the test compares the
#: fixed file's value with the .after.xml profile instead
REWRAPPED = frozenset({"yaml"})
CARRIERS: dict[str, tuple[str, Callable[[str], str]]] = {
    "ps": (".ps1", ps_single),
    "double": (".ps1", ps_double),
    "here": (".ps1", ps_here),
    "dsc": (".ps1", dsc),
    "graph": (".json", graph),
    "intunecd": (".json", intunecd),
    "yaml": (".yaml", yaml_quoted),
    "block": (".yaml", yaml_block),
    "syncml": (".syncml", syncml),
    "cdata": (".syncml", syncml_cdata),
    "md": (".md", markdown),
}


def main() -> int:
    for before in sorted(FIXES.glob("*/*.before.xml")):
        case = before.name.split(".")[0]
        only = before.with_name(f"{case}.carriers")  # optional: the carriers to write
        wanted = set(only.read_text().split()) if only.exists() else set(CARRIERS)
        for stage in ("before", "after"):
            source = before.with_name(f"{case}.{stage}.xml")
            if not source.exists():
                continue
            xml = source.read_text(encoding="utf-8")
            for carrier, (suffix, wrap) in CARRIERS.items():
                if carrier not in wanted or (stage == "after" and carrier in REWRAPPED):
                    continue
                target = before.with_name(f"{case}-{carrier}.{stage}{suffix}")
                target.write_text(wrap(xml), encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
