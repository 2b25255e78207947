"""Where the directory's facts and amounts come from, counted from the packaged catalogue.

docs/directory.md ("Where the amounts come from", "Pages the entries cite") quotes these figures;
run this after editing chalicelib/data/catalogue.json and update the page with what it prints:

    .venv/bin/python -m scripts.catalogue_sources
"""
from __future__ import annotations

from collections import Counter

from chalicelib.domain.catalogue import (SOURCE_CONFIGURATION, SOURCE_PAGE, SOURCE_SEED,
                                         Catalogue, load_catalogue, source_type)


def fee_lines_by_source(catalogue: Catalogue) -> Counter[str]:
    """Fee lines counted by source type: seed, page or configuration."""
    return Counter(source_type(fee.source) or "unknown"
                   for service in catalogue.services for fee in service.fees)


def pages_cited(catalogue: Catalogue) -> dict[str, list[str]]:
    """Each cited page and the services that cite it."""
    cited: dict[str, list[str]] = {}
    for service in catalogue.services:
        for source in service.sources:
            cited.setdefault(source.url, []).append(service.code)
    return cited


def main() -> None:
    catalogue = load_catalogue()
    fees = fee_lines_by_source(catalogue)
    citing = [s.code for s in catalogue.services if s.sources]
    print(f"fee lines: {sum(fees.values())}; "
          + ", ".join(f"{kind} {fees[kind]}" for kind in (SOURCE_SEED, SOURCE_PAGE, SOURCE_CONFIGURATION)))
    print(f"services: {len(catalogue.services)}; citing a page: {len(citing)}; "
          f"citing none: {len(catalogue.services) - len(citing)}")
    for url, services in pages_cited(catalogue).items():
        print(f"  {url}\n    {', '.join(services)}")


if __name__ == "__main__":
    main()
