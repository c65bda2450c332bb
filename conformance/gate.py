"""Known failures: which e2e failures a team has accepted, why, and until when.

File format (YAML), a list; every entry needs `test` and `reason`:

    - test: "[sig-apps] Daemon set [Serial] should rollback without unnecessary restarts [Conformance]"
      reason: single-node lab cluster; needs 2 nodes
      expires: 2027-01-31          # optional; after this date the entry no longer matches
    - test: "regex:^\\[sig-scheduling\\] SchedulerPreemption"
      reason: preemption tests need spare capacity

Exact names are compared after dropping ginkgo v2's '[It] ' prefix and collapsing runs of spaces
(real names contain double spaces that copy/paste loses). `regex:` entries use Python `re.search`.
An expired entry is ignored, so the failure becomes unexpected again and the gate says so.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from conformance.models import ConformanceResult, KnownFailure, MatchedFailure, TestCase
from conformance.results import strip_it
from migrate.errors import InputError

__all__ = ["load_known_failures", "apply_known_failures", "split_failures", "norm_name"]


def norm_name(name: str) -> str:
    return " ".join(strip_it(name.strip()).split())


def load_known_failures(path: str | Path) -> list[KnownFailure]:
    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text())
    except FileNotFoundError:
        raise InputError("known-failures file not found", path=str(p)) from None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise InputError(f"not valid YAML ({str(e).splitlines()[0]})", path=str(p)) from None
    if raw is None:
        return []
    if isinstance(raw, dict) and "known_failures" in raw:  # tolerate a wrapping key
        raw = raw["known_failures"]
    if not isinstance(raw, list):
        raise InputError("expected a list of {test, reason, expires?} entries", path=str(p))
    out: list[KnownFailure] = []
    for i, entry in enumerate(raw):
        where = f"[{i}]"
        if not isinstance(entry, dict):
            raise InputError("each entry must be a mapping with test and reason", path=str(p), field=where)
        for req in ("test", "reason"):
            if not str(entry.get(req) or "").strip():
                raise InputError(f"'{req}' is required and must not be empty", path=str(p), field=f"{where}.{req}")
        try:
            kf = KnownFailure.model_validate(entry)
        except ValidationError as e:
            err = e.errors()[0]
            loc = ".".join(str(x) for x in err["loc"])
            raise InputError(err["msg"], path=str(p), field=f"{where}.{loc}") from None
        if kf.is_regex:
            try:
                re.compile(kf.test[len("regex:") :])
            except re.error as e:
                raise InputError(f"invalid regular expression ({e})", path=str(p), field=f"{where}.test") from None
        out.append(kf)
    return out


def _match(kf: KnownFailure, name: str) -> bool:
    if kf.is_regex:
        pat = kf.test[len("regex:") :]
        return re.search(pat, strip_it(name)) is not None or re.search(pat, norm_name(name)) is not None
    return norm_name(kf.test) == norm_name(name)


def split_failures(
    failures: list[TestCase], known: list[KnownFailure], today: _dt.date | None = None
) -> tuple[list[MatchedFailure], list[TestCase]]:
    """(expected, unexpected). Expired entries never match."""
    today = today or _dt.date.today()
    live = [k for k in known if k.expires is None or k.expires >= today]
    expected: list[MatchedFailure] = []
    unexpected: list[TestCase] = []
    for f in failures:
        hit = next((k for k in live if _match(k, f.name)), None)
        if hit is None:
            unexpected.append(f)
        else:
            expected.append(MatchedFailure(name=f.name, message=f.message, reason=hit.reason, matched_by=hit.test))
    return expected, unexpected


def apply_known_failures(
    result: ConformanceResult, known: list[KnownFailure], today: _dt.date | None = None
) -> ConformanceResult:
    expected, unexpected = split_failures(result.failures, known, today)
    return result.model_copy(update={"expected_failures": expected, "unexpected_failures": unexpected})
