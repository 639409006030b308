"""The documentation holds together: every ``docs/…`` page the repo cites exists, every ``§N`` it
cites is a numbered heading of that page, every relative Markdown link in the README and ``docs/``
resolves, every ``vendor/…`` path named exists, and nothing points at the team's private notes
outside the repository (the repo must stand alone in a fresh clone).

The scanners are plain functions, each also tested on a small text, so a scanner that silently
finds nothing cannot make the repo-wide checks pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

THIS = Path(__file__).resolve()
ROOT = THIS.parents[1]
DOCS = ROOT / "docs"

#: Not the project's own text (third-party files, tooling, caches, run output).
SKIP_DIRS = frozenset(
    {".git", ".venv", "vendor", "runs", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache"}
)
SKIP_PATHS = frozenset({ROOT / "bench" / "results"})
MAX_BYTES = 2_000_000

#: Places outside the repo that code and docs once cited. Spelled in pieces so this file does not
#: contain them itself.
FORBIDDEN = ("../" + "shared", "shared/" + "specs", "shared/" + "research", "ARCHITECTURE" + ".md")

SECTION = r"§\s*(\d+[a-z]?(?:\.\d+)*)"
DOC_PATH = re.compile(r"(?<![\w./-])docs/([\w./-]+?\.md)\b")
#: ``docs/x.md §3``, ``docs/x.md`` §3 (the path in backticks), ``docs/x.md §1, §6``.
DOC_SECTION_REF = re.compile(
    r"(?<![\w./-])docs/(?P<path>[\w./-]+?\.md)`?\s*(?P<sections>§\s*\d[\w.]*(?:\s*,\s*§\s*\d[\w.]*)*)"
)
#: ``[page](page.md) §3`` inside Markdown: a link to a page, then a section of it.
LINK_SECTION_REF = re.compile(
    r"\]\((?P<path>[\w./-]+?\.md)\)\s*(?P<sections>§\s*\d[\w.]*(?:\s*,\s*§\s*\d[\w.]*)*)"
)
HEADING = re.compile(r"^#{1,6}\s+(\d+[a-z]?(?:\.\d+)*)\.?\s")
INLINE_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
VENDOR_PATH = re.compile(r"(?<![\w./-])vendor/[\w./-]*\w")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")  # http:, https:, mailto:, …


# --- scanners ----------------------------------------------------------------------------------


def repo_text_files() -> Iterator[Path]:
    """The project's own text files: everything but vendored, tooling and generated directories."""
    for folder, dirs, files in os.walk(ROOT):
        here = Path(folder)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS and not d.endswith(".egg-info") and here / d not in SKIP_PATHS
        )
        for name in sorted(files):
            path = here / name
            if path.suffix in (".pyc", ".sqlite", ".png", ".jpg", ".gif", ".ico", ".gz", ".zip"):
                continue
            if path.stat().st_size > MAX_BYTES:
                continue
            data = path.read_bytes()
            if b"\0" in data[:8192]:
                continue
            yield path


def cited_in() -> Iterator[Path]:
    """The files whose citations are checked: all but this one, whose examples are made up."""
    return (path for path in repo_text_files() if path != THIS)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def without_code(text: str) -> str:
    """Markdown with fenced code blocks and inline code blanked (line numbers kept): links and
    headings in code are examples, not structure."""
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        stripped = line.lstrip()
        marker = stripped[:3]
        if fence is None and marker in ("```", "~~~"):
            fence = marker
            out.append("")
            continue
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            out.append("")
            continue
        out.append(re.sub(r"`[^`]*`", "``", line))
    return "\n".join(out)


def section_ids(markdown: str) -> set[str]:
    """The section numbers of a page's numbered headings: ``## 4b. Randomness`` → ``4b``."""
    ids = set()
    for line in without_code(markdown).splitlines():
        m = HEADING.match(line)
        if m:
            ids.add(m.group(1))
    return ids


def section_refs(text: str, *, base: Path) -> list[tuple[int, Path, str]]:
    """``(line, page, section)`` for every ``docs/page.md §N`` in a text, and — in Markdown — every
    ``[…](page.md) §N`` (resolved against ``base``, the folder of the file the text is from)."""
    refs: list[tuple[int, Path, str]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in DOC_SECTION_REF.finditer(line):
            for sec in re.findall(SECTION, m.group("sections")):
                refs.append((lineno, DOCS / m.group("path"), sec))
        for m in LINK_SECTION_REF.finditer(line):
            for sec in re.findall(SECTION, m.group("sections")):
                refs.append((lineno, (base / m.group("path")).resolve(), sec))
    return refs


def relative_links(markdown: str) -> list[tuple[int, str]]:
    """``(line, target)`` of every relative link or image in a Markdown text (no URLs, no
    in-page anchors, nothing inside code), with any ``#fragment`` removed."""
    links: list[tuple[int, str]] = []
    previous = ""
    for lineno, line in enumerate(without_code(markdown).splitlines(), 1):
        targets = [m.group(1) for m in INLINE_LINK.finditer(line)]
        # a reference definition cannot interrupt a paragraph: "[3P]: 1 …" inside one is text
        ref = REFERENCE_LINK.match(line)
        if ref and (not previous.strip() or REFERENCE_LINK.match(previous)):
            targets.append(ref.group(1))
        previous = line
        for target in targets:
            if EXTERNAL.match(target) or target.startswith("#"):
                continue
            path = target.split("#", 1)[0]
            if path:
                links.append((lineno, path))
    return links


def resolve_link(source: Path, target: str) -> Path:
    return ROOT / target.lstrip("/") if target.startswith("/") else source.parent / target


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


# --- the scanners on small texts -------------------------------------------------------------------


def test_section_ids_are_the_numbered_headings() -> None:
    text = "# Title\n## 1. Flow\n## 4b. Randomness\n### 4.2 Tracking v3\n## Notes\n```\n## 9. in code\n```\n"
    assert section_ids(text) == {"1", "4b", "4.2"}


def test_section_refs_find_every_form() -> None:
    text = (
        "see docs/architecture.md §3.\n"
        "Evidence tags (as in `docs/carrier-apis.md` §4):\n"
        "(docs/realism.md §4, §9) and docs/realism.md §1, §6.\n"
        "(docs/carrier-apis.md, docs/realism.md §7) and docs/faults.md with no section\n"
        "follow [realism.md](realism.md) §9\n"
    )
    refs = section_refs(text, base=DOCS)
    assert [(n, p.name, s) for n, p, s in refs] == [
        (1, "architecture.md", "3"),
        (2, "carrier-apis.md", "4"),
        (3, "realism.md", "4"),
        (3, "realism.md", "9"),
        (3, "realism.md", "1"),
        (3, "realism.md", "6"),
        (4, "realism.md", "7"),
        (5, "realism.md", "9"),
    ]


def test_doc_paths_are_found_but_not_inside_urls_or_templates() -> None:
    text = "docs/a.md, (docs/sub/b.md), https://x.org/docs/c.md, docs/<name>.md, mydocs/d.md, `docs/e.md`"
    assert DOC_PATH.findall(text) == ["a.md", "sub/b.md", "e.md"]


def test_relative_links_skip_urls_anchors_and_code() -> None:
    text = (
        "[a](docs/a.md) [b](https://x.org/b.md) [c](#top) [d](d.md#part) ![e](img/e.png)\n"
        "`[f](f.md)`\n```\n[g](g.md)\n```\n[h]: ../h.md\ntext\n[SPEC]: not a link\n"
    )
    assert relative_links(text) == [(1, "docs/a.md"), (1, "d.md"), (1, "img/e.png"), (6, "../h.md")]


# --- the repository ------------------------------------------------------------------------------


def test_every_cited_docs_page_exists() -> None:
    cited: dict[str, list[str]] = {}
    for path in cited_in():
        for lineno, line in enumerate(read(path).splitlines(), 1):
            for page in DOC_PATH.findall(line):
                cited.setdefault(page, []).append(f"{rel(path)}:{lineno}")
    # the code cites the design notes; a scanner that finds nothing must not pass
    assert {"architecture.md", "realism.md", "carrier-apis.md"} <= set(cited), sorted(cited)
    missing = {page: where for page, where in cited.items() if not (DOCS / page).is_file()}
    assert not missing, "cited docs pages that do not exist: " + "; ".join(
        f"docs/{page} ({', '.join(where)})" for page, where in sorted(missing.items())
    )


def test_every_section_reference_names_a_heading_of_that_page() -> None:
    bad: list[str] = []
    pages: set[str] = set()
    headings: dict[Path, set[str]] = {}
    for path in cited_in():
        for lineno, page, sec in section_refs(read(path), base=path.parent):
            pages.add(page.name)
            if page not in headings:
                headings[page] = section_ids(read(page)) if page.is_file() else set()
            if sec not in headings[page]:
                bad.append(f"{rel(path)}:{lineno}: {rel(page)} §{sec}")
    assert {"architecture.md", "realism.md"} <= pages, sorted(pages)
    assert not bad, "section references to headings that do not exist:\n" + "\n".join(sorted(set(bad)))


def test_no_file_points_at_notes_outside_the_repo() -> None:
    hits = [
        f"{rel(path)}:{lineno}: {needle}"
        for path in repo_text_files()
        for lineno, line in enumerate(read(path).splitlines(), 1)
        for needle in FORBIDDEN
        if needle in line
    ]
    assert not hits, "the repo must stand alone; these point outside it:\n" + "\n".join(hits)


def test_relative_markdown_links_resolve() -> None:
    checked = 0
    broken = []
    for source in markdown_files():
        for lineno, target in relative_links(read(source)):
            checked += 1
            if not resolve_link(source, target).exists():
                broken.append(f"{rel(source)}:{lineno}: {target}")
    assert checked >= 10, checked  # README and docs link to each other; finding none is a scanner bug
    assert not broken, "relative links to files that do not exist:\n" + "\n".join(broken)


def test_every_named_vendor_path_exists() -> None:
    named = 0
    missing = []
    for path in cited_in():
        for lineno, line in enumerate(read(path).splitlines(), 1):
            for target in VENDOR_PATH.findall(line):
                named += 1
                if not (ROOT / target).exists():
                    missing.append(f"{rel(path)}:{lineno}: {target}")
    assert named > 0
    assert not missing, "vendor paths that do not exist:\n" + "\n".join(missing)
