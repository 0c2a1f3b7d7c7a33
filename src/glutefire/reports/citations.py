"""References to glutefire's evidence notes cited in words for readers of a page: rule, exercise
and plan texts say "evidence.md §2.5", which means nothing to a trainer reading a web page. They
become "glutefire evidence notes (docs/evidence.md) §2.5 Anterior pelvic tilt". Section titles
are data (``data/evidence_sections.yaml``, checked against the document by tests/test_docs.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from glutefire.datafiles import load_packaged

#: "evidence.md §1.1, §2.5" (also "evidence §4"): the whole group of section numbers.
CITATION = re.compile(r"evidence(?:\.md)?\s*((?:§\s*[0-9][0-9.]*[0-9]?(?:,\s*)?)+)")
_NUMBER = re.compile(r"§\s*([0-9][0-9.]*[0-9]|[0-9])")


class EvidenceSections(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    sections: dict[str, str]


@lru_cache(maxsize=1)
def evidence_sections() -> dict[str, str]:
    """Section number -> title of docs/evidence.md."""
    return load_packaged("evidence_sections.yaml", EvidenceSections).sections


def _in_words(match: re.Match[str]) -> str:
    titles = evidence_sections()
    numbers = _NUMBER.findall(match.group(1))
    cited = "; ".join(f"§{n} {titles[n]}" if n in titles else f"§{n}" for n in numbers)
    trailing = ", " if match.group(1).rstrip() != match.group(1).rstrip(", ") else ""
    return f"glutefire evidence notes (docs/evidence.md) {cited}{trailing}"


def cite_in_words(text: str) -> str:
    """``text`` with every evidence-notes reference given its section titles."""
    return CITATION.sub(_in_words, str(text))
