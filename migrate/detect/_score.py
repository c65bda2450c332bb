"""Weighted evidence -> confidence (noisy-or: independent clues add up, none alone reaches 1)."""

from __future__ import annotations

from typing import Any

from migrate.detect.facts import Facts
from migrate.detect.match import Hit, hits
from migrate.models.detection import Evidence

__all__ = ["score", "MAX_EVIDENCE_PER_ITEM"]

MAX_EVIDENCE_PER_ITEM = 3


def score(rule: dict[str, Any], f: Facts) -> tuple[float, list[Evidence], list[Hit]]:
    """(confidence, evidence shown, every hit) of one rule; each evidence item counts once however often it fires."""
    miss = 1.0
    evidence: list[Evidence] = []
    all_hits: list[Hit] = []
    for m in rule.get("evidence") or []:
        hs = list(hits(m, f))
        if not hs:
            continue
        all_hits += hs
        miss *= 1.0 - float(m.get("weight", 0.3))
        shown = hs[:MAX_EVIDENCE_PER_ITEM]
        for i, h in enumerate(shown):
            more = f" (+{len(hs) - len(shown)} more)" if i == len(shown) - 1 and len(hs) > len(shown) else ""
            evidence.append(Evidence(kind=h.kind, detail=h.detail + more, ref=h.ref))
    return round(1.0 - miss, 3), evidence, all_hits
