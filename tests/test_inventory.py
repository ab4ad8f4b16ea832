"""The deployment inventory: schema validation with located errors, discovery, globs."""

from __future__ import annotations

import ipaddress
from dataclasses import fields
from pathlib import Path

import pytest

from aovpn_lint.api import AddressRange, InventoryIssue, InventoryIssueKind
from aovpn_lint.engine.rules import RuleSet
from aovpn_lint.globs import matches
from aovpn_lint.load.inventory import (
    PROFILE_KEYS,
    SERVER_KEYS,
    TOP_KEYS,
    load_inventory,
    parse_range,
)
from aovpn_lint.model.positions import Location, Source
from aovpn_lint.rules import aov504_invalid_inventory as aov504
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
    assert isinstance(pool, AddressRange)
    assert pool.contains(ipaddress.ip_network("10.99.0.16/28"))
    assert not pool.contains(ipaddress.ip_network("10.99.0.0/24"))
    six = parse_range("2001:db8:99::/64", LOC)
    assert isinstance(six, AddressRange) and not six.overlaps(pool)
    reversed_pool = parse_range("10.99.0.9-10.99.0.1", LOC)
    assert isinstance(reversed_pool, InventoryIssue)
    assert reversed_pool.kind is InventoryIssueKind.RANGE_REVERSED
    assert reversed_pool.suggestion == "10.99.0.1-10.99.0.9"


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


# --- the loader records what is wrong, AOV504 words it (STYLE.md §1) ----------------------------
SERVER = "servers:\n  - name: a\n    public-fqdn: vpn.contoso.com\n"
#: one inventory per issue kind and AOV504's exact message for it
BY_KIND = {
    InventoryIssueKind.EMPTY: (
        "# nothing yet\n",
        "the inventory is empty; list the VPN servers under 'servers:'",
    ),
    InventoryIssueKind.NOT_A_MAPPING: (
        "servers:\n  - rras01\n",
        "each server must be a mapping of keys to values",
    ),
    InventoryIssueKind.NOT_A_LIST: (
        "servers: rras01\n",
        "'servers' must be a list (one '- ' item per entry)",
    ),
    InventoryIssueKind.NOT_A_STRING: (
        SERVER + "    internal-address: [10.1.0.1/24]\n",
        "'internal-address' must be a non-empty string",
    ),
    InventoryIssueKind.UNKNOWN_KEY: (
        SERVER + "    zzzz: 1\n",
        "unknown key 'zzzz' in a server; known keys: name, public-fqdn, internal-address, "
        "client-pool, description",
    ),
    InventoryIssueKind.MISSING: (
        "servers:\n  - name: a\n",
        "server 'a' has no 'public-fqdn'; add the name clients dial",
    ),
    InventoryIssueKind.DUPLICATE: (
        SERVER + "  - name: A\n    public-fqdn: vpn.contoso.com\n",
        "server name 'A' is used twice (first at line 2); server names must be unique",
    ),
    InventoryIssueKind.NOT_A_HOSTNAME: (
        "servers:\n  - name: a\n    public-fqdn: bad name\n",
        "public-fqdn 'bad name' is not a DNS name; write the name clients connect to, "
        "e.g. 'vpn.contoso.com'",
    ),
    InventoryIssueKind.INVALID_ADDRESS: (
        SERVER + "    internal-address: 10.1.0.300/24\n",
        "internal-address '10.1.0.300/24' is not an IP address; write the internal interface "
        "address with its prefix length, e.g. '10.1.0.21/24'",
    ),
    InventoryIssueKind.NO_PREFIX: (
        SERVER + "    client-pool: 10.99.0.0\n",
        "client-pool '10.99.0.0' has no prefix length; write e.g. '10.99.0.0/24' or a range",
    ),
    InventoryIssueKind.INVALID_NETWORK: (
        SERVER + "internal-networks: [bad]\n",
        "internal network 'bad' is not a CIDR network; write e.g. '10.0.0.0/8'",
    ),
    InventoryIssueKind.HOST_BITS: (
        SERVER + "internal-networks: [2001:db8::1/32]\n",
        "internal network '2001:db8::1/32' has host bits set; did you mean '2001:db8::/32'?",
    ),
    InventoryIssueKind.INVALID_RANGE: (
        SERVER + "    client-pool: a-b\n",
        "client-pool 'a-b' is not a valid address range; write 'first-last' with two IP "
        "addresses, e.g. '10.99.0.10-10.99.0.250'",
    ),
    InventoryIssueKind.MIXED_FAMILIES: (
        SERVER + "    client-pool: 10.99.0.1-2001:db8::1\n",
        "client-pool '10.99.0.1-2001:db8::1' mixes IPv4 and IPv6 addresses; use one family",
    ),
    InventoryIssueKind.RANGE_REVERSED: (
        SERVER + "    client-pool: 10.99.0.200 - 10.99.0.10\n",
        "client-pool '10.99.0.200 - 10.99.0.10' ends before it starts; write the lower address "
        "first ('10.99.0.10-10.99.0.200')",
    ),
    InventoryIssueKind.UNKNOWN_VALUE: (
        SERVER + "profiles:\n  - path: p.xml\n    tunnel: users\n",
        "tunnel 'users' is not a tunnel type; use 'user' or 'device'",
    ),
    InventoryIssueKind.UNSUPPORTED_VERSION: (
        SERVER + "version: 2\n",
        "inventory version '2' is not supported; use 1",
    ),
}


def issues_of(text: str) -> tuple[InventoryIssue, ...]:
    [document], problems = load_inventory(text, Source("aovpn-inventory.yaml", text))
    assert problems == []
    issues: tuple[InventoryIssue, ...] = document.payload.issues
    return issues


def test_every_issue_kind_has_a_test_and_a_message() -> None:
    assert set(BY_KIND) == set(InventoryIssueKind)


@pytest.mark.parametrize("kind", list(InventoryIssueKind), ids=lambda kind: kind.value)
def test_aov504_words_each_kind(tmp_path: Path, kind: InventoryIssueKind) -> None:
    text, message = BY_KIND[kind]
    [issue] = issues_of(text)
    assert issue.kind is kind
    assert aov504.message(issue) == message
    assert [m for *_, m in errors(tmp_path, text)] == [message]


def test_issues_hold_values_not_messages() -> None:
    # no free-text field: everything AOV504 says comes from what the loader found
    assert [field.name for field in fields(InventoryIssue)] == [
        "kind",
        "loc",
        "place",
        "key",
        "value",
        "known",
        "suggestion",
        "name",
        "first_line",
    ]
    for kind, (text, _) in BY_KIND.items():
        for issue in issues_of(text):
            # the key is a schema key or taken from the file, the value is as written
            schema_key = issue.key in (*TOP_KEYS, *SERVER_KEYS, *PROFILE_KEYS)
            assert issue.key == "" or schema_key or issue.key in text, kind
            assert issue.value == "" or issue.value in text, kind
            # and the other strings are single tokens (keys, addresses, a name), not sentences
            tokens = [issue.key, issue.suggestion, issue.name, *issue.known]
            assert not any(" " in token for token in tokens), kind


def test_did_you_mean_is_the_rules() -> None:
    # the loader records the unknown key and the keys valid there; AOV504 picks the closest
    [issue] = issues_of(SERVER + "    Client_Pool: 10.99.0.0/24\n")
    assert issue.kind is InventoryIssueKind.UNKNOWN_KEY and issue.key == "Client_Pool"
    assert "client-pool" in issue.known
    assert (
        aov504.message(issue)
        == "unknown key 'Client_Pool' in a server; did you mean 'client-pool'?"
    )
