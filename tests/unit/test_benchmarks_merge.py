"""`benchmarks/run_all.py --only NAME` reruns one benchmark and merges it into the existing
docs/benchmarks.md: its rows and section are replaced, every other figure is kept."""
from benchmarks.run_all import Row, Section, figure_rows, merged

EXISTING = """# Benchmarks

Written by `make bench` on 2026-12-01 05:37 UTC.

| figure | value | goal | |
| --- | --- | --- | --- |
| cold start | 1.56x | <= 1.2x | NOT met |
| LCP, directory | 2.40 s | <= 2.0 s | NOT met |
| QR size | 728 B | <= 2048 B | met |

## Cold start (14 s)

```
cold output
```

## Portal on a phone (Lighthouse) (50 s)

```
old lighthouse output
```

## Seal and QR (30 s)

```
qr output
```
"""


def test_a_rerun_section_replaces_its_rows_and_output_and_keeps_the_rest():
    # GIVEN a document with the Lighthouse rows and section among others
    rerun = Section("Portal on a phone (Lighthouse)",
                    [Row("LCP, directory", "1.89 s", "<= 2.0 s", True),
                     Row("CLS, directory", "0.000", "<= 0.05", True)], "new lighthouse output", 180)
    # WHEN it is merged
    text = merged(EXISTING, [rerun], quick=False)
    # THEN its rows replace the old one in place, the others are kept as they were
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert rows == ["| cold start | 1.56x | <= 1.2x | NOT met |",
                    "| LCP, directory | 1.89 s | <= 2.0 s | met |",
                    "| CLS, directory | 0.000 | <= 0.05 | met |",
                    "| QR size | 728 B | <= 2048 B | met |"]
    # AND its section's output replaces the old one, between the same neighbours
    assert "old lighthouse output" not in text and "new lighthouse output" in text
    assert text.index("## Cold start") < text.index("## Portal on a phone (Lighthouse) (180 s)") \
        < text.index("## Seal and QR") and "qr output" in text and "cold output" in text
    # AND the document says that section was rerun alone, once however often it is rerun
    again = merged(text, [rerun], quick=False)
    assert again.count("section was rerun alone") == 1
    assert again.count("## Portal on a phone (Lighthouse)") == 1


def test_a_section_the_document_lacks_is_added_after_the_table_and_at_the_end():
    new = Section("Locate", [Row("locate one point", "0.01 ms", "<= 1 ms", True)], "locate output", 1)
    text = merged(EXISTING, [new], quick=False)
    lines = text.splitlines()
    assert lines[lines.index("| QR size | 728 B | <= 2048 B | met |") + 1] == \
        "| locate one point | 0.01 ms | <= 1 ms | met |"
    assert text.rstrip().endswith("locate output\n```")


def test_figure_lines_are_judged_by_their_not_met_mark():
    rows = figure_rows("noise\nfigure: LCP | 2.10 s | <= 2.0 s (NOT met)\n"
                       "figure: score | 98 | >= 95\nfigure: shell | 29 KB | -\n")
    assert [(r.figure, r.value, r.goal, r.met) for r in rows] == [
        ("LCP", "2.10 s", "<= 2.0 s", False), ("score", "98", ">= 95", True), ("shell", "29 KB", "-", None)]
