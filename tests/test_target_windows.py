"""AOV107 (element-newer-than-target) runs only with a target build in the configuration.

Its fixtures name their target in a first comment (``<!-- target-windows: 10-22H2 ... -->``);
each is linted with a configuration carrying that target and compared with its markers, as
test_rules.py does for the other rules. The release and element tables are checked against the
domain notes' "Windows builds" table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aovpn_lint.engine.config import Config
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.model.windows_builds import ELEMENTS, FORCE_TUNNEL_EXCLUSIONS, parse_target, since
from helpers import FIXTURES, lint_path

RULES = RuleSet(load_entry_points=False)
_TARGET = re.compile(r"target-windows:\s*(\S+)")
_EXPECT = re.compile(r"expect:\s*AOV107\b")
FIXTURE_FILES = sorted((FIXTURES / "AOV107").glob("*.xml"))


def findings(path: Path, target: str | None) -> set[int]:
    config = Config(
        select=("AOV107",), target_windows=None if target is None else parse_target(target)
    )
    return {f.loc.line for f in lint_path(path, RULES, config) if f.rule_id == "AOV107"}


def declared_target(path: Path) -> str:
    match = _TARGET.search(path.read_text(encoding="utf-8"))
    assert match, f"{path.name} does not name its target-windows"
    return match.group(1)


def marked(path: Path) -> set[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {n for n, line in enumerate(lines, start=1) if _EXPECT.search(line)}


def test_fixture_pair_exists() -> None:
    names = {p.name for p in FIXTURE_FILES}
    assert "good.xml" in names and "bad.xml" in names


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_fixture_with_its_target(path: Path) -> None:
    expected = marked(path) if path.name.startswith("bad") else set()
    if path.name.startswith("bad"):
        assert expected, f"{path.name} marks no 'expect: AOV107' line"
    assert findings(path, declared_target(path)) == expected


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: p.name)
def test_no_target_no_finding(path: Path) -> None:
    assert findings(path, None) == set()
    assert not [
        f for f in lint_path(path, RULES, Config(select=("AOV107",))) if f.rule_id == "AOV107"
    ]


def test_a_new_enough_target_is_clean() -> None:
    for path in FIXTURE_FILES:
        assert findings(path, "26100") == set()


@pytest.mark.parametrize(
    ("text", "build"),
    [
        ("1607", 14393),
        ("1809", 17763),
        ("2004", 19041),
        ("20H2", 19042),
        ("21H2", 22000),
        ("22H2", 22621),
        ("23H2", 22631),
        ("24H2", 26100),
        ("24h2", 26100),
        ("Windows 11 22H2", 22621),
        ("win11-24H2", 26100),
        ("10-22H2", 19045),
        ("Windows 10 21H2", 19044),
        ("19045", 19045),
        ("26100", 26100),
        ("10.0.19045", 19045),
        (22621, 22621),
    ],
)
def test_target_values(text: str | int, build: int) -> None:
    assert parse_target(text) == build


@pytest.mark.parametrize("text", ["", "Vista", "11-1809", "22H3", "1234", "windows"])
def test_bad_target_values_say_what_to_write(text: str) -> None:
    with pytest.raises(ValueError, match="write a release such as"):
        parse_target(text)


def test_element_builds_follow_the_domain_notes() -> None:
    """The 'use' column of the Windows builds table in RULES.md."""
    expected = {
        "NativeProfile/CryptographySuite": 14393,
        "NativeProfile/DisableClassBasedDefaultRoute": 14393,
        "Route/ExclusionRoute": 14393,
        "Route/Metric": 14393,
        "DomainNameInformation/AutoTrigger": 14393,
        "DomainNameInformation/Persistent": 14393,
        "DeviceCompliance": 14393,
        "DeviceTunnel": 16299,
        "RegisterDNS": 16299,
        "TrafficFilter/Direction": 19041,
        "NativeProfile/PlumbIKEv2TSAsRoutes": 19041,
        "DisableDisconnectButton": 22621,
        "DisableAdvancedOptionsEditButton": 22621,
        "IPv4InterfaceMetric": 26100,
        "IPv6InterfaceMetric": 26100,
        "NetworkOutageTime": 26100,
        "UseRasCredentials": 26100,
        "DataEncryption": 26100,
        "PrivateNetwork": 26100,
        "DisableIKEv2Fragmentation": 26100,
        "RequireVpnClientAppUI": 22000,
        "NativeProfile/ProtocolList": 22000,
    }
    table = {path: row.build for row in ELEMENTS for path in row.paths}
    assert table == expected
    assert all(since(path) is not None for path in expected)
    assert FORCE_TUNNEL_EXCLUSIONS.build == 17134


def test_explain_shows_the_builds_table() -> None:
    doc = RULES.meta("AOV107").doc
    assert "{builds}" not in doc
    assert "| `IPv4InterfaceMetric`" in doc and "26100" in doc and "KB4493437" in doc
