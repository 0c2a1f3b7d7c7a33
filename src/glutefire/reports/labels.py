"""Column names in plain words with their units, for tables people read: ``knee_fppa_left_deg``
-> "Knee inward angle (FPPA), left (deg)". Names and units are data
(``data/metric_labels.yaml``); a measure missing there is turned into words from its name."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from glutefire.datafiles import load_packaged

#: Name suffixes that carry the unit (docs/screening.md), for measures without a label.
_UNIT_SUFFIXES = {"_deg": "deg", "_pct": "%", "_s": "s", "_rel": "relative"}
_SIDES = ("left", "right")


class ColumnLabel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    unit: str = ""


class MetricLabels(BaseModel):
    """The packaged ``data/metric_labels.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    rep_columns: dict[str, ColumnLabel]
    metrics: dict[str, ColumnLabel]


@lru_cache(maxsize=1)
def metric_labels() -> MetricLabels:
    return load_packaged("metric_labels.yaml", MetricLabels)


def _with_unit(label: str, unit: str) -> str:
    return f"{label} ({unit})" if unit else label


def _side_of(name: str) -> tuple[str, str | None]:
    """``knee_fppa_left_deg`` -> (``knee_fppa_{side}_deg``, ``left``)."""
    for side in _SIDES:
        pattern = re.sub(rf"(^|_){side}(_|$)", r"\1{side}\2", name, count=1)
        if pattern != name:
            return pattern, side
    return name, None


def column_label(name: str) -> str:
    """A per-rep column (``start_s``) or metric (``knee_flexion_left_deg``) in plain words with
    its unit in brackets."""
    data = metric_labels()
    if name in data.rep_columns:
        entry = data.rep_columns[name]
        return _with_unit(entry.label, entry.unit)
    pattern, side = _side_of(name)
    found = data.metrics.get(pattern)
    if found is not None:
        label = f"{found.label}, {side}" if side else found.label
        return _with_unit(label, found.unit)
    return _fallback(name)


def _fallback(name: str) -> str:
    unit = ""
    for suffix, words in _UNIT_SUFFIXES.items():
        if name.endswith(suffix):
            name, unit = name.removesuffix(suffix), words
            break
    words = name.replace("_", " ")
    return _with_unit(words[:1].upper() + words[1:], unit)
