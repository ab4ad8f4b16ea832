"""The deployment inventory: schema validation with located errors, discovery, globs."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.globs import matches
from aovpn_lint.load.inventory import load_inventory, parse_range
from aovpn_lint.model.positions import Location, Source
from helpers import EXAMPLES, lint_path, lint_text, run_cli

RULES = RuleSet(load_entry_points=False)
LOC = Location("i.yaml", 1, 1)


def errors(
    tmp_path: Path, text: str, name: str = "aovpn-inventory.yaml"
) -> list[tuple[int, int, str]]:
    return [(f.loc.line, f.loc.col, f.message) for f in lint_text(tmp_path, text, name, RULES)]


def test_example_inventory_is_valid() -> None:
    assert lint_path(EXAMPLES / "inventory" / "aovpn-inventory.yaml", RULES) == []


def test_unknown_keys_get_did_you_mean_at_the_key(tmp_path: Path) -> None:
    text = (
        "servers:\n  - name: a\n    public_fqdn: vpn.contoso.com\n    clientpool: 10.0.0.0/24\n"
        "profile:\n  - path: x.xml\n"
    )
    found = errors(tmp_path, text)
    assert [(line, col) for line, col, _ in found] == [(2, 5), (3, 5), (4, 5), (5, 1)]
    messages = [m for _, _, m in found]
    assert "has no 'public-fqdn'" in messages[0]
    assert "unknown key 'public_fqdn' in a server; did you mean 'public-fqdn'?" in messages[1]
    assert "did you mean 'client-pool'?" in messages[2]
    assert "did you mean 'profiles'?" in messages[3]


@pytest.mark.parametrize(
    "pool, fragment",
    [
        ("10.99.0.0/33", "neither a CIDR network nor a range"),
        ("10.99.0.9/24", "did you mean '10.99.0.0/24'?"),
        ("10.99.0.0", "has no prefix length"),
        ("10.99.0.200-10.99.0.10", "ends before it starts"),
        ("10.99.0.1-2001:db8::1", "mixes IPv4 and IPv6"),
        ("10.99.0.1-10.99.0", "not a valid address range"),
    ],
)
def test_bad_pools_are_located_at_the_value(tmp_path: Path, pool: str, fragment: str) -> None:
    text = f"servers:\n  - name: a\n    public-fqdn: vpn.contoso.com\n    client-pool: '{pool}'\n"
    [(line, col, message)] = errors(tmp_path, text)
    assert (line, col) == (4, 18) and fragment in message


def test_wrong_shapes(tmp_path: Path) -> None:
    assert [m for *_, m in errors(tmp_path, "- just\n- a list\n")] == [
        "the inventory must be a mapping of keys to values"
    ]
    found = errors(tmp_path, "servers: rras01\nprofiles:\n  - x.xml\n")
    assert [(line, col) for line, col, _ in found] == [(1, 10), (3, 5)]
    assert "must be a list" in found[0][2] and "each profile must be a mapping" in found[1][2]
    assert [m for *_, m in errors(tmp_path, "# nothing yet\n")] == [
        "the inventory is empty; list the VPN servers under 'servers:'"
    ]


def test_yaml_syntax_error_is_aov100(tmp_path: Path) -> None:
    [finding] = lint_text(tmp_path, "servers:\n  - name: [a\n", "aovpn-inventory.yaml", RULES)
    assert finding.rule_id == "AOV100" and finding.loc.line == 3


def test_internal_address_needs_a_prefix(tmp_path: Path) -> None:
    text = (
        "servers:\n  - name: a\n    public-fqdn: vpn.contoso.com\n    internal-address: 10.1.0.21\n"
    )
    [(line, col, message)] = errors(tmp_path, text)
    assert (line, col) == (4, 23) and "'10.1.0.21/24'" in message


def test_parsed_model() -> None:
    text = (EXAMPLES / "inventory" / "aovpn-inventory.yaml").read_text()
    [document], problems = load_inventory(
        text, Source("examples/inventory/aovpn-inventory.yaml", text)
    )
    assert problems == [] and document.kind == "inventory"
    inventory = document.payload
    assert [s.name for s in inventory.servers] == ["rras01", "rras02"]
    rras02 = inventory.servers[1]
    assert rras02.pools[0].first == ipaddress.ip_address("10.99.0.128")
    assert rras02.internal_subnet.text == "10.2.0.0/24"
    assert inventory.server_for("VPN.contoso.com.") is inventory.servers[0]
    assert (
        inventory.entry_for("examples/scripts/Deploy-VpnProfile.ps1").pattern == "../scripts/*.ps1"
    )
    assert inventory.entry_for("examples/broken/not-well-formed.xml") is None


def test_globs_stay_in_one_folder_unless_double_star() -> None:
    assert matches("a/*.xml", "a/b.xml")
    assert not matches("a/*.xml", "a/sub/b.xml")
    assert matches("a/**/*.xml", "a/b.xml")
    assert matches("a/**/*.xml", "a/x/y/b.xml")
    assert matches("a/p?.xml", "a/p1.xml") and not matches("a/p?.xml", "a/p/.xml")


def test_ranges() -> None:
    pool = parse_range("10.99.0.10 - 10.99.0.250", LOC)
    assert not isinstance(pool, str)
    assert pool.contains(ipaddress.ip_network("10.99.0.16/28"))
    assert not pool.contains(ipaddress.ip_network("10.99.0.0/24"))
    six = parse_range("2001:db8:99::/64", LOC)
    assert not isinstance(six, str) and not six.overlaps(pool)


def test_discovery_by_name_and_explicit_yaml(tmp_path: Path) -> None:
    (tmp_path / "aovpn-inventory.yml").write_text(
        "servers:\n  - name: a\n    public-fqdn: bad name\n"
    )
    (tmp_path / "ci.yaml").write_text("jobs: {build: {runs-on: ubuntu}}\n")
    (tmp_path / "other.yaml").write_text("servers:\n  - nam: a\n    public-fqdn: vpn.example.com\n")
    # an Ansible-style file with a 'servers' list is not an inventory (pre-commit passes all YAML)
    (tmp_path / "hosts.yml").write_text("servers:\n  - name: web1\n    ip: 10.0.0.1\n")
    walked = run_cli("--no-config", "--select", "AOV504", str(tmp_path))
    assert "aovpn-inventory.yml:3:18: AOV504" in walked.stdout
    assert "other.yaml" not in walked.stdout and "1 file" in walked.stdout
    named = run_cli(
        "--no-config",
        "--select",
        "AOV504",
        str(tmp_path / "ci.yaml"),
        str(tmp_path / "other.yaml"),
        str(tmp_path / "hosts.yml"),
    )
    assert "ci.yaml" not in named.stdout and "hosts.yml" not in named.stdout
    assert "other.yaml:2:5: AOV504" in named.stdout and "did you mean 'name'?" in named.stdout
