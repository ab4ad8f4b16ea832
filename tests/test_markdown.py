"""Markdown pages carry profiles in fenced code blocks; findings point into the page."""

from __future__ import annotations

from pathlib import Path

from aovpn_lint.load.markdown import load_markdown
from aovpn_lint.model.document import Carrier, DocumentKind
from aovpn_lint.model.positions import Source
from helpers import EXAMPLES, lint_path

PAGE = """# Always On VPN

The user tunnel we deploy:

```xml
<VPNProfile>
  <AlwaysOn>True</AlwaysOn>
  <NativeProfile>
    <Servers>vpn.example.com</Servers>
  </NativeProfile>
</VPNProfile>
```

A shell snippet is not a profile:

```sh
aovpn-lint profiles/
```
"""


def _load(text: str, name: str = "page.md") -> tuple[list, list]:
    return load_markdown(text, Source(name, text))


def test_a_block_with_a_profile_is_linted_in_place(tmp_path: Path) -> None:
    documents, problems = _load(PAGE)
    assert problems == [] and [d.kind for d in documents] == [DocumentKind.PROFILE]
    (document,) = documents
    assert document.container is not None and document.container.carrier is Carrier.MARKDOWN
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    (finding,) = lint_path(page, select=("AOV102",))
    assert (finding.loc.path, finding.loc.line, finding.loc.col) == (str(page), 7, 13)


def test_a_page_without_a_profile_is_not_an_input(tmp_path: Path) -> None:
    page = tmp_path / "notes.md"
    page.write_text("# Notes\n\n```xml\n<configuration/>\n```\n\n<broken", encoding="utf-8")
    assert _load(page.read_text()) == ([], [])
    assert lint_path(page) == []


def test_a_broken_profile_block_is_a_parse_error_in_the_page(tmp_path: Path) -> None:
    page = tmp_path / "broken.md"
    page.write_text("Intro\n\n~~~\n<VPNProfile>\n  <AlwaysOn>true</AlwaysOn>\n~~~\n", "utf-8")
    (finding,) = lint_path(page, select=("AOV100",))
    assert finding.rule_id == "AOV100" and finding.loc.path == str(page)
    assert finding.loc.line in (5, 6)


def test_several_blocks_and_an_unclosed_fence() -> None:
    block = "```\n<VPNProfile><AlwaysOn>true</AlwaysOn></VPNProfile>\n```\n"
    documents, _ = _load(block * 3 + "````\n<VPNProfile/>\n")
    assert len(documents) == 4


def test_html_comment_suppressions_work_in_the_page(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        PAGE.replace(
            "  <AlwaysOn>True</AlwaysOn>",
            "  <!-- aovpn-lint: disable=AOV102 lab only -->\n  <AlwaysOn>True</AlwaysOn>",
        ),
        encoding="utf-8",
    )
    (finding,) = lint_path(page, select=("AOV102",))
    assert finding.suppression is not None


def test_the_wiki_example_is_linted() -> None:
    page = EXAMPLES / "wiki" / "always-on-vpn.md"
    documents, problems = _load(page.read_text(encoding="utf-8"), str(page))
    assert problems == [] and len(documents) == 2


def test_a_script_or_json_block_that_names_a_profile_is_not_a_profile(tmp_path: Path) -> None:
    """Wikis show deployment snippets: a block that is not XML (it does not start with '<') is
    not read as a profile, so it never gets a parse error."""
    page = tmp_path / "deploy.md"
    page.write_text(
        "# Deploy\n\n```powershell\n$ProfileXML = '<VPNProfile><AlwaysOn>true</AlwaysOn>"
        "</VPNProfile>'\n```\n\n```json\n"
        '{"value": "<VPNProfile><AlwaysOn>true</AlwaysOn></VPNProfile>"}\n```\n',
        encoding="utf-8",
    )
    assert _load(page.read_text()) == ([], [])
    assert lint_path(page) == []
