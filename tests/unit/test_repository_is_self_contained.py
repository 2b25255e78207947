"""The repository carries its own contract: nothing in it points outside it (issue 12).

A clone has no `../shared`: the API contract is docs/api.md (+ GET /openapi.json) and the rules
are docs/rules.md. Every tracked file is read, and every relative link of the Markdown pages must
name a file that exists.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()
# The team's working files outside the repository, under every spelling seen so far.
OUTSIDE = re.compile(r"\.\./shared|/work/shared|\bshared/(?:seeds|API|STYLE|hooks)|"
                     r"\bAPI\.md\b|\bTRANSLATION\.md\b|\bSTYLE\.md\b")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [name for name in listed.stdout.decode().split("\0") if name]


def test_no_tracked_file_points_outside_the_repository():
    # GIVEN every tracked file (this test's own patterns aside)
    files = tracked_files()
    assert "README.md" in files and "docs/api.md" in files and "docs/rules.md" in files
    found = []
    for name in files:
        path = ROOT / name
        if name == THIS_FILE or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group()}"
                  for m in OUTSIDE.finditer(text)]
    # THEN none names ../shared, its seeds, or its contract
    assert found == []


def test_every_relative_markdown_link_names_a_file_of_the_repository():
    pages = [name for name in tracked_files() if name.endswith(".md")]
    broken = []
    for name in pages:
        for target in MARKDOWN_LINK.findall((ROOT / name).read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue  # absolute URLs and anchors within the page
            resolved = (ROOT / name).parent / target.split("#", 1)[0]
            if not resolved.resolve().is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{name}: {target}")
    assert broken == []
