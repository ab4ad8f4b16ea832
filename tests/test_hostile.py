"""Hostile and broken input: every case ends in a located finding or one clear error line, the
documented exit code, no traceback, no file read outside the inputs, no network access, and
bounded time and memory (the CLI runs under an address-space limit and a timeout).

Large inputs are generated here; sparse files stand in for the huge ones.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import resource
import select
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from helpers import FIXTURES, cli_executable

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX resource limits and FIFOs")

MEMORY_LIMIT = 1 << 30  # address space for one CLI run; every case here needs far less
GOOD = (FIXTURES / "AOV302" / "good.xml").read_text(encoding="utf-8")
#: the rules GOOD is clean for (the schema rules and its own rule) and that the AOV302 bad fixture
#: has exactly one finding of: tests that need a clean or a one-finding file run these
SELECT = ("--select", "AOV101,AOV102,AOV103,AOV104,AOV105,AOV302")
BODY = GOOD.split("<VPNProfile>", 1)[1]  # everything after the root start tag


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_guarded(
    *args: str,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    timeout: float = 60,
    memory: int | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """The console script under a memory limit and a timeout, with proxies pointing nowhere."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9")

    def limits() -> None:
        _limits()
        if memory:
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [cli_executable(), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        timeout=timeout,
        preexec_fn=limits,
        env=env,
    )


def clean(result: subprocess.CompletedProcess[bytes], codes: tuple[int, ...] = (1,)) -> str:
    out, err = result.stdout.decode("utf-8"), result.stderr.decode("utf-8")  # valid UTF-8, always
    assert result.returncode in codes, (result.returncode, out[-2000:], err[-2000:])
    assert "Traceback" not in out + err, err
    return out


def findings_of(result: subprocess.CompletedProcess[bytes]) -> list[dict]:
    document = json.loads(clean(result))
    for finding in document["findings"]:
        assert finding["line"] >= 1 and finding["column"] >= 1
    return document["findings"]


def profile(prolog: str = "", body: str = BODY) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?>\n{prolog}<VPNProfile>{body}'


def has_loader(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


# --- traps: a secret file, a FIFO that notices being opened, a socket that notices a connection --
class Traps:
    def __init__(self, root: Path) -> None:
        self.token = "S3CRET-" + "".join(random.Random(7).choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=20))
        self.secret = root / "secret.txt"
        self.secret.write_text(f"{self.token}\n")
        self.fifo = root / "sentinel.fifo"
        os.mkfifo(self.fifo)
        self.fifo_opened = False
        self._done = False
        self._thread = threading.Thread(target=self._watch_fifo, daemon=True)
        self._thread.start()
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"

    def _watch_fifo(self) -> None:
        fd = os.open(self.fifo, os.O_WRONLY)  # blocks until somebody opens the FIFO to read
        if not self._done:
            self.fifo_opened = True
        try:
            os.write(fd, f"{self.token}\n".encode())
        except OSError:
            pass
        os.close(fd)

    def close(self) -> None:
        self._done = True
        fd = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)  # release the watcher
        self._thread.join(5)
        os.close(fd)

    def connections(self) -> int:
        count = 0
        while select.select([self.server], [], [], 0.05)[0]:
            connection, _ = self.server.accept()
            connection.close()
            count += 1
        return count


@pytest.fixture()
def traps(tmp_path: Path):
    trap = Traps(tmp_path)
    yield trap
    trap.close()
    trap.server.close()


def xml_attacks(t: Traps) -> dict[str, str]:
    """name -> ProfileXML that tries to read a file, reach the network or expand entities."""
    servers = "<NativeProfile><Servers>&x;</Servers></NativeProfile></VPNProfile>"
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return {
        "xxe-local-file": profile(
            f'<!DOCTYPE VPNProfile [<!ENTITY x SYSTEM "file://{t.secret}">]>', servers
        ),
        "xxe-fifo": profile(f'<!DOCTYPE VPNProfile [<!ENTITY x SYSTEM "{t.fifo}">]>', servers),
        "xxe-url": profile(f'<!DOCTYPE VPNProfile [<!ENTITY x SYSTEM "{t.url}/x">]>', servers),
        "parameter-entity-url": profile(
            f'<!DOCTYPE VPNProfile [<!ENTITY % p SYSTEM "{t.url}/p.dtd"> %p;]>'
        ),
        "parameter-entity-file": profile(
            f'<!DOCTYPE VPNProfile [<!ENTITY % p SYSTEM "file://{t.fifo}"> %p;]>'
        ),
        "external-dtd-url": profile(f'<!DOCTYPE VPNProfile SYSTEM "{t.url}/v.dtd">'),
        "external-dtd-file": profile(f'<!DOCTYPE VPNProfile SYSTEM "{t.fifo}">'),
        "public-dtd": profile(f'<!DOCTYPE VPNProfile PUBLIC "-//A//DTD V//EN" "{t.url}/p.dtd">'),
        "doctype-behind-comment": profile(
            f'<!-- <!DOCTYPE decoy --><!DOCTYPE VPNProfile [<!ENTITY x SYSTEM "file://{t.secret}">]>',
            servers,
        ),
        "billion-laughs": profile(
            f'<!DOCTYPE VPNProfile [<!ENTITY l0 "lol">{lol}]>',
            "<NativeProfile><Servers>&l9;</Servers></NativeProfile></VPNProfile>",
        ),
        "quadratic-blowup": profile(
            f'<!DOCTYPE VPNProfile [<!ENTITY x "{"A" * 100_000}">]>',
            f"<NativeProfile><Servers>{'&x;' * 20_000}</Servers></NativeProfile></VPNProfile>",
        ),
    }


def xml_no_doctype_attacks(t: Traps) -> dict[str, str]:
    """Ways to reference outside resources without a DTD; they must stay inert."""
    return {
        "xinclude": profile(
            body=f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            f'href="file://{t.fifo}" parse="text"/>'
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            f'href="{t.url}/inc.xml"/>' + BODY
        ),
        "schema-location": GOOD.replace(
            "<VPNProfile>",
            '<VPNProfile xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:noNamespaceSchemaLocation="{t.url}/s.xsd">',
            1,
        ),
        "stylesheet-pi": f'<?xml-stylesheet type="text/xsl" href="{t.url}/s.xsl"?>\n' + GOOD,
    }


def wrap(fmt: str, xml: str) -> tuple[str, str]:
    """The ProfileXML embedded the way each loader reads it: (file suffix, content)."""
    if fmt == "ps1":
        return ".ps1", f"$ProfileXML = @'\n{xml}\n'@\nAdd-VpnConnection -Name x\n"
    if fmt == "json":
        export = {
            "@odata.type": "#microsoft.graph.windows10CustomConfiguration",
            "displayName": "hostile",
            "omaSettings": [
                {
                    "@odata.type": "#microsoft.graph.omaSettingString",
                    "omaUri": "./User/Vendor/MSFT/VPNv2/Hostile/ProfileXML",
                    "value": xml,
                }
            ],
        }
        return ".json", json.dumps(export, indent=2)
    return ".xml", xml


CONTAINERS = [
    pytest.param("xml", id="xml"),
    pytest.param(
        "ps1",
        id="powershell",
        marks=pytest.mark.skipif(
            not has_loader("aovpn_lint.load.powershell"),
            reason="PowerShell loader not in this build",
        ),
    ),
    pytest.param(
        "json",
        id="intune-json",
        marks=pytest.mark.skipif(
            not has_loader("aovpn_lint.load.intune"), reason="Intune loader not in this build"
        ),
    ),
]


@pytest.mark.parametrize("fmt", CONTAINERS)
def test_dtd_attacks_are_refused_without_reading_files_or_the_network(
    fmt: str, traps: Traps, tmp_path: Path
) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    attacks = xml_attacks(traps)
    for name, xml in attacks.items():
        suffix, content = wrap(fmt, xml)
        (inputs / f"{name}{suffix}").write_text(content, encoding="utf-8")
    started = time.monotonic()
    result = run_guarded("--no-config", "--format", "json", "-j", "1", str(inputs))
    assert time.monotonic() - started < 30
    findings = findings_of(result)
    output = result.stdout.decode() + result.stderr.decode()
    assert traps.token not in output, "a file outside the inputs leaked into the report"
    assert not traps.fifo_opened, "the linter opened a file outside the inputs"
    assert traps.connections() == 0, "the linter made a network connection"
    for name in attacks:
        refused = [f for f in findings if Path(f["path"]).stem == name and f["rule_id"] == "AOV100"]
        assert len(refused) == 1 and "DOCTYPE" in refused[0]["message"], (name, findings)
        suffix, content = wrap(fmt, attacks[name])
        lines = content.splitlines()
        line = refused[0]["line"]
        assert "<!DOCTYPE" in lines[line - 1][refused[0]["column"] - 1 :].replace(
            "\\u003c", "<"
        ) or (fmt == "json"), (name, refused[0])


def test_doctype_is_located_exactly(tmp_path: Path) -> None:
    path = tmp_path / "p.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!-- x -->\n  <!DOCTYPE VPNProfile [\n]>' + "<VPNProfile/>"
    )
    [finding] = findings_of(run_guarded("--no-config", "--format", "json", str(path)))
    assert (finding["rule_id"], finding["line"], finding["column"]) == ("AOV100", 3, 3)


@pytest.mark.parametrize("fmt", CONTAINERS)
def test_references_without_a_dtd_stay_inert(fmt: str, traps: Traps, tmp_path: Path) -> None:
    for name, xml in xml_no_doctype_attacks(traps).items():
        suffix, content = wrap(fmt, xml)
        (tmp_path / f"{name}{suffix}").write_text(content, encoding="utf-8")
    result = run_guarded("--no-config", "--format", "json", "-j", "1", str(tmp_path))
    findings_of(result) if result.returncode == 1 else clean(result, (0,))
    assert not traps.fifo_opened and traps.connections() == 0


def test_entity_bombs_are_refused_quickly_under_a_small_memory_limit(tmp_path: Path) -> None:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path = tmp_path / "bomb.xml"
    path.write_text(
        profile(
            f'<!DOCTYPE VPNProfile [<!ENTITY l0 "lol">{lol}]>',
            "<NativeProfile><Servers>&l9;</Servers></NativeProfile></VPNProfile>",
        )
    )
    started = time.monotonic()
    result = run_guarded("--no-config", "--format", "json", str(path), memory=400 << 20, timeout=20)
    assert time.monotonic() - started < 10
    [finding] = findings_of(result)
    assert finding["rule_id"] == "AOV100" and finding["line"] == 2


# --- size ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [50 << 20, 500 << 20], ids=["50MB", "500MB"])
def test_files_over_the_size_limit_are_reported_not_read(size: int, tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    with open(path, "wb") as handle:  # sparse: no disk space, but the size is real
        handle.write(GOOD.encode())
        handle.truncate(size)
    result = run_guarded("--no-config", "--format", "json", str(path), memory=300 << 20)
    [finding] = findings_of(result)
    assert finding["rule_id"] == "AOV100" and (finding["line"], finding["column"]) == (1, 1)
    assert "10,485,760-byte limit" in finding["message"] and "--max-file-size" in finding["message"]


def test_the_size_limit_is_configurable_on_the_command_line_and_in_the_config(
    tmp_path: Path,
) -> None:
    path = tmp_path / "p.xml"
    path.write_text(GOOD)
    size = path.stat().st_size
    out = findings_of(
        run_guarded("--no-config", "--format", "json", "--max-file-size", str(size - 1), str(path))
    )
    assert [f["rule_id"] for f in out] == ["AOV100"] and f"{size - 1:,}-byte" in out[0]["message"]
    clean(run_guarded("--no-config", *SELECT, "--max-file-size", str(size), str(path)), (0,))
    (tmp_path / ".aovpn-lint.yaml").write_text(f"max-file-size: {size - 1}\n")
    out = findings_of(run_guarded("--format", "json", "p.xml", cwd=tmp_path))
    assert [f["rule_id"] for f in out] == ["AOV100"]


def test_stdin_is_size_limited_too() -> None:
    data = GOOD.encode() + b"<!--" + b" " * (11 << 20) + b"-->"
    result = run_guarded("--no-config", "--format", "json", "-", stdin=data, memory=400 << 20)
    [finding] = findings_of(result)
    assert finding["rule_id"] == "AOV100" and "limit" in finding["message"]


@pytest.mark.slow
def test_a_50MB_file_under_a_raised_limit_is_linted_in_bounded_time(tmp_path: Path) -> None:
    path = tmp_path / "padded.xml"
    padding = "<!-- padding padding padding padding padding padding padding -->\n" * 800_000
    path.write_text(GOOD.replace("</VPNProfile>", padding + "</VPNProfile>"))
    assert path.stat().st_size > 50_000_000
    started = time.monotonic()
    result = run_guarded(
        "--no-config",
        *SELECT,
        "--format",
        "json",
        "--max-file-size",
        str(60 << 20),
        str(path),
        timeout=120,
    )
    assert time.monotonic() - started < 60
    assert json.loads(clean(result, (0,)))["findings"] == []


# --- broken bytes ---------------------------------------------------------------------------------
def broken_inputs() -> dict[str, tuple[bytes, tuple[int, int] | None]]:
    """name -> (bytes, the (line, column) the AOV100 finding must point at, None: anywhere)."""
    rng = random.Random(1234)
    utf16 = ("\ufeff" + GOOD).encode("utf-16-le")
    mixed = GOOD.replace("vpn.example.com", "vpn.caf\u00e9.example").encode("utf-8")
    mixed = mixed.replace("caf\u00e9".encode(), "caf\xe9".encode("latin-1"))
    line = next(i for i, t in enumerate(GOOD.splitlines(), 1) if "vpn.example.com" in t)
    col = GOOD.splitlines()[line - 1].index("vpn.example.com") + len("vpn.caf") + 1
    nul_line = GOOD.splitlines()
    nul_at = (3, 5)
    nul_line[2] = nul_line[2][:4] + "\x00" + nul_line[2][4:]
    return {
        "binary-garbage": (rng.randbytes(200_000), None),
        "truncated-utf16": (utf16[:301], None),
        "mixed-encodings": (mixed, (line, col)),
        "nul-bytes": ("\n".join(nul_line).encode(), nul_at),
        "empty": (b"", None),
        "only-bom": (b"\xef\xbb\xbf", None),
        "utf32-garbage": (b"\x00\x00\xfe\xff" + rng.randbytes(1001), None),
        "lying-declaration-utf16": (
            ('<?xml version="1.0" encoding="UTF-16"?>\n' + GOOD).encode(),
            None,
        ),
        "unknown-declared-encoding": (
            ('<?xml version="1.0" encoding="x-klingon"?>\n' + GOOD).encode(),
            (1, 1),
        ),
        "utf16-declared-utf8": (
            ('<?xml version="1.0" encoding="utf-8"?>\n' + GOOD).encode("utf-16"),
            None,
        ),
    }


@pytest.mark.parametrize("name", list(broken_inputs()))
def test_broken_bytes_give_a_located_finding(name: str, tmp_path: Path) -> None:
    data, where = broken_inputs()[name]
    path = tmp_path / f"{name}.xml"
    path.write_bytes(data)
    result = run_guarded("--no-config", *SELECT, "--format", "json", str(path))
    if name in ("lying-declaration-utf16", "utf16-declared-utf8"):
        # the bytes win over a declaration that cannot be true: the profile lints normally
        assert clean(result, (0,)) and json.loads(result.stdout)["findings"] == []
        return
    findings = findings_of(result)
    assert [f["rule_id"] for f in findings] == ["AOV100"], findings
    text_lines = data.decode("utf-8", errors="replace").splitlines() or [""]
    assert findings[0]["line"] <= len(text_lines) + 1
    if where:
        assert (findings[0]["line"], findings[0]["column"]) == where


#: a start tag with a long attribute-like run and an unbalanced quote: a markup pattern with
#: nested repetition tried every split of the run (a 40-character tag: minutes, each character
#: doubling it); the comments of every file with a directive are found by that scan
UNBALANCED_TAG = (
    "<!-- aovpn-lint: disable=AOV302 -->\n"  # a directive: the file's comments are looked for
    "<VPNProfile><AlwaysOn x x x x x x x x x x x x x x x x x x x x x x x x x '\n"
)


@pytest.mark.parametrize(
    ("suffix", "wrap"),
    [
        (".xml", "{}"),
        (".md", "# VPN\n\n```xml\n{}```\n"),
        (".ps1", "$ProfileXML = @'\n{}'@\n"),
    ],
    ids=["xml", "markdown", "powershell"],
)
def test_a_tag_with_an_unbalanced_quote_is_scanned_in_linear_time(
    tmp_path: Path, suffix: str, wrap: str
) -> None:
    path = tmp_path / f"unbalanced{suffix}"
    path.write_text(wrap.format(UNBALANCED_TAG), "utf-8")
    result = run_guarded("--no-config", "--format", "json", str(path), timeout=60)
    findings = findings_of(result)
    assert "AOV100" in {f["rule_id"] for f in findings}


LOADER_SUFFIXES = [
    pytest.param(".xml", id="xml"),
    pytest.param(
        ".ps1",
        id="powershell",
        marks=pytest.mark.skipif(
            not has_loader("aovpn_lint.load.powershell"),
            reason="PowerShell loader not in this build",
        ),
    ),
    pytest.param(
        ".json",
        id="json",
        marks=pytest.mark.skipif(
            not has_loader("aovpn_lint.load.intune"), reason="Intune loader not in this build"
        ),
    ),
    pytest.param(
        "aovpn-inventory.yaml",
        id="inventory",
        marks=pytest.mark.skipif(
            not has_loader("aovpn_lint.load.inventory"), reason="inventory loader not in this build"
        ),
    ),
]


def deep(suffix: str, depth: int = 10_000) -> str:
    if suffix == ".xml":
        return "<VPNProfile>" + "<a>" * depth + "</a>" * depth + "</VPNProfile>"
    if suffix == ".json":
        return '{"omaSettings": ' + "[" * depth + "]" * depth + "}"
    if suffix == ".ps1":
        return (
            "$ProfileXML = "
            + "(" * depth
            + "'<VPNProfile/>'"
            + ")" * depth
            + "\n"
            + "$x = @{" * depth
            + "}" * depth
            + "\n"
        )
    return "servers:\n" + "".join("  " * i + f"- k{i}:\n" for i in range(depth))


@pytest.mark.parametrize("suffix", LOADER_SUFFIXES)
def test_every_loader_survives_garbage_nul_truncation_and_deep_nesting(
    suffix: str, tmp_path: Path
) -> None:
    rng = random.Random(99)
    cases = {
        "garbage": rng.randbytes(100_000),
        "nul": b"abc\x00def",
        "truncated-utf16": "\ufeff$x = 'caf\u00e9'\n".encode("utf-16-le")[:-1],
        "latin1-in-utf8": "x = 'caf\u00e9'\n".encode("latin-1"),
        "deep": deep(suffix).encode(),
        "unterminated": {
            ".xml": b"<VPNProfile><NativeProfile>",
            ".json": b'{"a": "',
            ".ps1": b"$p = @'\n<VPNProfile>\n",
        }.get(suffix, b"servers: [\n  {a: "),
        "bidi-and-escapes": "\u202e\x1b[31m\x9b\u2028".encode(),
    }
    for name, data in cases.items():
        (tmp_path / f"{name}{suffix}").write_bytes(data)
    files = sorted(str(p) for p in tmp_path.iterdir())
    started = time.monotonic()
    result = run_guarded("--no-config", "--format", "json", "-j", "1", *files)
    assert time.monotonic() - started < 30
    document = json.loads(clean(result, (0, 1)))
    assert document["files"] == len(files)
    for finding in document["findings"]:
        data = Path(finding["path"]).read_bytes()
        assert 1 <= finding["line"] <= data.count(b"\n") + 2, finding
        assert finding["column"] >= 1
    for name in ("garbage", "nul", "truncated-utf16", "latin1-in-utf8"):
        assert any(
            f["rule_id"] == "AOV100" and Path(f["path"]).name.startswith(name)
            for f in document["findings"]
        ), name


@pytest.mark.slow
def test_100000_routes_lint_in_bounded_time_and_memory(tmp_path: Path) -> None:
    routes = "".join(
        f"<Route><Address>10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}</Address>"
        f"<PrefixSize>32</PrefixSize></Route>\n"
        for i in range(100_000)
    )
    path = tmp_path / "routes.xml"
    path.write_text(GOOD.replace("</VPNProfile>", routes + "</VPNProfile>"))
    started = time.monotonic()
    result = run_guarded("--no-config", "--format", "json", str(path), timeout=180)
    assert time.monotonic() - started < 120
    assert json.loads(clean(result, (0, 1)))["files"] == 1


# --- YAML: configuration, inventory and the safe loader itself ----------------------------------
YAML_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)
YAML_OBJECTS = {
    "python-object": "select: !!python/object/apply:os.system ['touch {marker}']\n",
    "python-name": "select: !!python/name:os.system\n",
    "custom-tag": "select: !evil [AOV1]\n",
    "set-tag": "select: !!set {AOV1: null}\n",
}


def test_yaml_bomb_in_the_configuration_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / ".aovpn-lint.yaml").write_text(YAML_BOMB)
    (tmp_path / "p.xml").write_text(GOOD)
    started = time.monotonic()
    result = run_guarded("p.xml", cwd=tmp_path, memory=400 << 20, timeout=30)
    assert time.monotonic() - started < 10
    clean(result, (2,))
    err = result.stderr.decode().strip().splitlines()
    assert (
        len(err) == 1
        and err[0].startswith("aovpn-lint: .aovpn-lint.yaml:")  # at the alias over the budget
        and "error:" in err[0]
    )


@pytest.mark.parametrize("name", list(YAML_OBJECTS))
def test_yaml_tags_never_construct_objects(name: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / ".aovpn-lint.yaml").write_text(YAML_OBJECTS[name].replace("{marker}", str(marker)))
    (tmp_path / "p.xml").write_text(GOOD)
    result = run_guarded("p.xml", cwd=tmp_path)
    clean(result, (2,))
    assert not marker.exists()
    [line] = result.stderr.decode().strip().splitlines()
    assert line.startswith("aovpn-lint: .aovpn-lint.yaml:1:") and "tag" in line.lower()


def test_duplicate_keys_in_the_configuration_are_a_located_error(tmp_path: Path) -> None:
    (tmp_path / ".aovpn-lint.yaml").write_text(
        "ignore: [AOV301]\nselect: [AOV3]\nignore: [AOV302]\n"
    )
    (tmp_path / "p.xml").write_text(GOOD)
    result = run_guarded("p.xml", cwd=tmp_path)
    clean(result, (2,))
    [line] = result.stderr.decode().strip().splitlines()
    assert line.startswith("aovpn-lint: .aovpn-lint.yaml:3:") and "duplicate" in line.lower()


def test_the_safe_yaml_loader_refuses_bombs_tags_and_duplicates() -> None:
    from aovpn_lint.load.yaml import YamlProblem
    from aovpn_lint.load.yaml import load_yaml_nodes as load
    from aovpn_lint.model.positions import Source

    def load_yaml_nodes(text: str, name: str) -> object:
        return load(text, Source(name, text))

    started = time.monotonic()
    with pytest.raises(YamlProblem, match="anchors and aliases"):
        load_yaml_nodes(YAML_BOMB, "bomb.yaml")
    assert time.monotonic() - started < 5
    for text in YAML_OBJECTS.values():
        with pytest.raises(YamlProblem, match="[Tt]ag"):
            load_yaml_nodes(text, "t.yaml")
    with pytest.raises(YamlProblem) as duplicate:
        load_yaml_nodes("a: 1\nb: 2\na: 3\n", "d.yaml")
    assert duplicate.value.line == 3
    with pytest.raises(YamlProblem):
        load_yaml_nodes(
            "a:\n" + "".join("  " * i + f"- k{i}:\n" for i in range(1, 3000)), "deep.yaml"
        )


@pytest.mark.skipif(
    not has_loader("aovpn_lint.load.inventory"), reason="inventory loader not in this build"
)
@pytest.mark.parametrize(
    "text",
    [YAML_BOMB, YAML_OBJECTS["python-object"], "servers: 1\nservers: 2\n"],
    ids=["bomb", "object-tag", "duplicate-key"],
)
def test_hostile_inventory_is_a_located_finding(text: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "aovpn-inventory.yaml").write_text(text.replace("{marker}", str(marker)))
    result = run_guarded(
        "--no-config", "--format", "json", "-j", "1", str(tmp_path), timeout=30, memory=600 << 20
    )
    findings = findings_of(result)
    assert any(
        f["rule_id"] == "AOV100" and f["path"].endswith("aovpn-inventory.yaml") for f in findings
    )
    assert not marker.exists()


# --- the file system ------------------------------------------------------------------------------
def test_symlink_loops_dangling_links_fifos_and_links_out_of_the_tree(
    traps: Traps, tmp_path: Path
) -> None:
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "ok.xml").write_text(GOOD)
    (tree / "sub" / "loop").symlink_to("..")  # a directory loop
    (tree / "a.xml").symlink_to("b.xml")  # a file loop
    (tree / "b.xml").symlink_to("a.xml")
    (tree / "dangling.xml").symlink_to("nowhere.xml")
    (tree / "leak.xml").symlink_to(traps.secret)  # a link out of the tree
    (tree / "fifo-link.xml").symlink_to(traps.fifo)  # a link to a FIFO out of the tree
    (tree / "etc").symlink_to("/etc")  # a directory out of the tree
    os.mkfifo(tree / "pipe.xml")  # a FIFO inside the tree
    started = time.monotonic()
    result = run_guarded("--no-config", "--format", "json", "-j", "1", str(tree), timeout=30)
    assert time.monotonic() - started < 20
    findings = findings_of(result)
    by_name = {Path(f["path"]).name: f for f in findings}
    assert traps.token not in result.stdout.decode() and not traps.fifo_opened
    assert (
        "outside" in by_name["leak.xml"]["message"]
        and "outside" in by_name["fifo-link.xml"]["message"]
    )
    assert "not a regular file" in by_name["pipe.xml"]["message"]
    for name in ("a.xml", "b.xml", "dangling.xml"):
        assert by_name[name]["rule_id"] == "AOV100" and "cannot read" in by_name[name]["message"]
    assert not any("/etc/" in f["path"] for f in findings)
    linted = {Path(f["path"]).name for f in findings} | {"ok.xml"}
    assert json.loads(result.stdout)["files"] == len(linted)


def test_unreadable_file_and_directory(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inner.xml").write_text(GOOD)
    (tmp_path / "secret.xml").write_text(GOOD)
    if os.geteuid() == 0:
        # root reads through permission bits; a directory that vanishes between listing and
        # reading, and a file that is a directory in disguise, are the failures left to test
        (tmp_path / "secret.xml").unlink()
        (tmp_path / "secret.xml").mkdir()
        (tmp_path / "secret.xml" / "x.txt").write_text("x")
        result = run_guarded(
            "--no-config", "--format", "json", str(tmp_path / "secret.xml"), str(tmp_path / "gone")
        )
        findings = findings_of(result)
        assert {f["rule_id"] for f in findings} == {"AOV100"} and len(findings) == 1
        assert "no such file" in findings[0]["message"]
        return
    os.chmod(tmp_path / "locked", 0)
    os.chmod(tmp_path / "secret.xml", 0)
    try:
        result = run_guarded("--no-config", "--format", "json", str(tmp_path))
    finally:
        os.chmod(tmp_path / "locked", stat.S_IRWXU)
        os.chmod(tmp_path / "secret.xml", stat.S_IRUSR | stat.S_IWUSR)
    messages = {Path(f["path"]).name: f["message"] for f in findings_of(result)}
    assert (
        "cannot read directory" in messages["locked"]
        and "cannot read file" in messages["secret.xml"]
    )


NAMES = {
    "newline": b"line\nbreak.xml",
    "non-ascii": "профиль-é.xml".encode(),
    "not-utf8": b"latin\xe9.xml",
    "terminal-escape": b"\x1b[2J\x1b]0;pwned\x07.xml",
    "bidi": "a\u202egnp.xml".encode(),
    "leading-dash": b"-rf.xml",
}


@pytest.mark.parametrize("output", ["text", "json", "json-file"])
def test_odd_file_names_keep_every_output_well_formed(output: str, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    bad = (FIXTURES / "AOV302" / "bad.xml").read_bytes()  # exactly one finding per file
    for raw in NAMES.values():
        with open(os.path.join(os.fsencode(tree), raw), "wb") as handle:
            handle.write(bad)
    args = ["--no-config", *SELECT, "-j", "1", str(tree)]
    if output == "text":
        out = clean(run_guarded(*args))
        finding_lines = [line for line in out.splitlines() if "AOV302" in line]
        assert len(out.splitlines()) == len(NAMES) + 1, out  # one line per finding + summary
        assert len(finding_lines) == len(NAMES)
        assert "\x1b" not in out and "\u202e" not in out
        assert any("line\\nbreak.xml:4:" in line for line in finding_lines)
        assert any("latin\\xe9.xml:4:" in line for line in finding_lines)
        assert any("профиль-é.xml:4:" in line for line in finding_lines)
        return
    if output == "json":
        document = json.loads(clean(run_guarded("--format", "json", *args)))
    else:
        report = tmp_path / "report.json"
        clean(run_guarded("--format", "json", "-o", str(report), *args))
        document = json.loads(report.read_text(encoding="utf-8"))
    paths = sorted(Path(f["path"]).name for f in document["findings"])
    assert len(paths) == len(NAMES) and all(p.isprintable() for p in paths)
    assert "line\\nbreak.xml" in paths and "профиль-é.xml" in paths


@pytest.mark.skipif(
    not has_loader("aovpn_lint.report.github"), reason="GitHub reporter not in this build"
)
def test_file_names_cannot_inject_workflow_commands(tmp_path: Path) -> None:
    name = b"x.xml\n::warning file=forged.xml::injected\n.xml"
    with open(os.path.join(os.fsencode(tmp_path), name), "wb") as handle:
        handle.write((FIXTURES / "AOV302" / "bad.xml").read_bytes())
    out = clean(run_guarded("--no-config", "--format", "github", str(tmp_path)))
    assert not any(line.startswith("::warning file=forged") for line in out.splitlines())


def test_values_with_control_characters_are_escaped_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "c1.xml"
    path.write_text(
        GOOD.replace(
            "<RoutingPolicyType>SplitTunnel", "<RoutingPolicyType>Split\u009b2J\u202eTunnel"
        )
    )
    out = clean(run_guarded("--no-config", str(path)))
    assert "\u009b" not in out and "\u202e" not in out
    assert "'Split\\x9b2J\\u202eTunnel'" in out
