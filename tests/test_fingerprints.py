"""SARIF ``primaryLocationLineHash`` equals what GitHub's upload action computes for the same bytes.

The upload action (github/codeql-action, ``src/fingerprints.ts``) fills in a fingerprint for
each result that has none, and warns when one is present but differs from its own. Below is a
line-by-line port of its ``hash`` function, kept apart from aovpn-lint's implementation: it
reads the file as the action does (``fs.createReadStream(path, "utf8")``: Node's UTF-8 decoder
keeps a byte order mark as U+FEFF and turns each invalid sequence into one U+FFFD), walks
JavaScript's UTF-16 code units and does Long's signed 64-bit arithmetic. Every result of a
SARIF run over files in UTF-8, UTF-8 with BOM, UTF-16 LE and BE with BOM (LF and CRLF), and a
Windows-1252 profile must carry the port's value for its start line.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

import pytest

from aovpn_lint.cli import main

TAB, SPACE, LF, CR = 9, 32, 10, 13
EOF_MARK = 65535
BLOCK_SIZE = 100
_U64 = 1 << 64


def _long(value: int) -> int:
    """Long's signed 64-bit wrap-around."""
    value %= _U64
    return value - _U64 if value >= 1 << 63 else value


def upload_action_hashes(data: bytes) -> dict[int, str]:
    """``hash(callback, filepath)`` of the upload action, the callback collecting into a dict."""
    text = data.decode("utf-8", errors="replace")  # createReadStream(filepath, "utf8")
    units = text.encode("utf-16-le")
    code_units = [units[i] | units[i + 1] << 8 for i in range(0, len(units), 2)]  # charCodeAt

    window = [0] * BLOCK_SIZE
    line_numbers = [-1] * BLOCK_SIZE
    hash_raw = 0
    first_mod = 1
    for _ in range(BLOCK_SIZE):
        first_mod = _long(first_mod * 37)
    state = {"index": 0, "line": 0, "line_start": True, "prev_cr": False}
    hash_counts: dict[str, int] = {}
    out: dict[int, str] = {}

    def output_hash() -> None:
        hash_value = format(hash_raw % _U64, "x")  # toUnsigned().toString(16)
        hash_counts[hash_value] = hash_counts.get(hash_value, 0) + 1
        out[line_numbers[state["index"]]] = f"{hash_value}:{hash_counts[hash_value]}"
        line_numbers[state["index"]] = -1

    def update_hash(current: int) -> None:
        nonlocal hash_raw
        index = state["index"]
        begin = window[index]
        window[index] = current
        hash_raw = _long(_long(37 * hash_raw + current) - _long(first_mod * begin))
        state["index"] = (index + 1) % BLOCK_SIZE

    def process_character(current: int) -> None:
        if current in (SPACE, TAB) or (state["prev_cr"] and current == LF):
            state["prev_cr"] = False
            return
        if current == CR:
            current = LF
            state["prev_cr"] = True
        else:
            state["prev_cr"] = False
        if line_numbers[state["index"]] != -1:
            output_hash()
        if state["line_start"]:
            state["line_start"] = False
            state["line"] += 1
            line_numbers[state["index"]] = state["line"]
        if current == LF:
            state["line_start"] = True
        update_hash(current)

    for unit in code_units:
        process_character(unit)
    process_character(EOF_MARK)
    for _ in range(BLOCK_SIZE):
        if line_numbers[state["index"]] != -1:
            output_hash()
        update_hash(0)
    return out


def test_the_port_reproduces_the_action_s_own_test_vectors() -> None:
    # from the action's src/fingerprints.test.ts
    assert upload_action_hashes(b"") == {1: "c129715d7a2bc9a3:1"}
    assert upload_action_hashes(b" a\nb\n  \t\tc\n d") == {
        1: "271789c17abda88f:1",
        2: "54703d4cd895b18:1",
        3: "180aee12dab6264:1",
        4: "a23a3dc5e078b07b:1",
    }


PROFILE = """<VPNProfile>
  <AlwaysOn>true</AlwaysOn>
  <NativeProfile>
    <Servers>vpn1.contoso.com,vpn2.contoso.com</Servers> <!-- caf\u00e9 \u00fcber \U0001f512 -->
    <RoutingPolicyType>SplitTunnel</RoutingPolicyType>
    <NativeProtocolType>IKEv2</NativeProtocolType>
    <Authentication><UserMethod>Eap</UserMethod></Authentication>
  </NativeProfile>
  <Route><Address>10.0.0.0</Address><PrefixSize>8</PrefixSize></Route>
  <Route><Address>10.1.2.3</Address><PrefixSize>16</PrefixSize></Route>
</VPNProfile>
"""
SELECT = "AOV201,AOV302,AOV305,AOV306"


def _variants() -> dict[str, bytes]:
    out = {}
    for ending in ("\n", "\r\n"):
        text = PROFILE.replace("\n", ending)
        tag = "crlf" if ending == "\r\n" else "lf"
        out[f"utf8-{tag}.xml"] = text.encode("utf-8")
        out[f"utf8bom-{tag}.xml"] = codecs.BOM_UTF8 + text.encode("utf-8")
        out[f"utf16le-{tag}.xml"] = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        out[f"utf16be-{tag}.xml"] = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    declared = '<?xml version="1.0" encoding="windows-1252"?>\r\n' + PROFILE.replace(
        "\U0001f512", ""
    ).replace("\n", "\r\n")
    out["cp1252-crlf.xml"] = declared.encode("cp1252")
    return out


VARIANTS = _variants()


def _sarif(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    main(["--no-config", "-j", "1", "--select", SELECT, "--format", "sarif", *args])
    document: dict[str, Any] = json.loads(capsys.readouterr().out)
    return document


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_fingerprints_equal_the_upload_action_s(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    data = VARIANTS[name]
    (tmp_path / name).write_bytes(data)
    expected = upload_action_hashes(data)
    results = _sarif(capsys, name)["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"AOV201", "AOV302", "AOV306"}
    for result in results:
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        fingerprint = result.get("partialFingerprints", {}).get("primaryLocationLineHash")
        assert fingerprint == expected.get(line), (result["ruleId"], line)


def test_a_utf16_crlf_file_reads_as_twice_its_lines_in_the_action() -> None:
    # why the fingerprint of a UTF-16 file cannot come from the decoded text: the action's
    # line N is not the file's line N (CR, NUL, LF: the NUL makes a line of its own)
    assert len(upload_action_hashes(VARIANTS["utf16le-crlf.xml"])) > 2 * PROFILE.count("\n")
    assert len(upload_action_hashes(VARIANTS["utf8-crlf.xml"])) == PROFILE.count("\n") + 1
