"""One Reader over a sonobuoy results tarball or an already-extracted directory.

Layouts handled (both seen in real tarballs):
- new (sonobuoy >= 0.14): plugins/<p>/results/global/junit_01.xml, plugins/<p>/sonobuoy_results.yaml,
  plugins/<p>/errors/*.json, meta/{config,info,run.log}.json, serverversion.json
- old (sonobuoy 0.10): plugins/e2e/results/junit_01.xml and e2e.log, no sonobuoy_results.yaml

Archive paths are constants behind accessors; nothing outside the archive is ever touched.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import yaml

from conformance._archive import Limits, TarIndex, normalize
from conformance.models import (
    ConformanceResult,
    PluginError,
    ResultItem,
    TestCase,
    aggregate_status,
)
from migrate.errors import InputError

__all__ = ["Reader", "read_results", "strip_it", "log_excerpt", "parse_junit", "headline"]

META_CONFIG = "meta/config.json"
META_INFO = "meta/info.json"
SERVER_VERSION = "serverversion.json"
E2E = "e2e"
RESULTS_YAML = "plugins/{p}/sonobuoy_results.yaml"
RESULTS_DIR = "plugins/{p}/results/"
ERRORS_DIR = "plugins/{p}/errors/"
PLUGIN_TIMEOUT_MESSAGE = "timeout waiting for results"

# Ginkgo v2 reports suite-level nodes as test cases; they are not tests, unless they fail.
SUITE_NODES = (
    "[ReportBeforeSuite]",
    "[SynchronizedBeforeSuite]",
    "[BeforeSuite]",
    "[AfterSuite]",
    "[SynchronizedAfterSuite]",
    "[ReportAfterSuite]",
    "[DeferCleanup (Suite)]",
)
MESSAGE_MAX = 1200
EXCERPT_LINES = 30
EXCERPT_MAX = 4000


def strip_it(name: str) -> str:
    """Ginkgo v2 prefixes JUnit names with '[It] '; CNCF lists and users don't."""
    return name[5:] if name.startswith("[It] ") else name


_GO_LOCATION = re.compile(r"^\S+\.go:\d+$")


def headline(message: str) -> str:
    """The line of a ginkgo failure text that says what went wrong (not the source location)."""
    lines = [ln.strip() for ln in (message or "").splitlines() if ln.strip()]
    return next((ln for ln in lines if not _GO_LOCATION.match(ln)), lines[0] if lines else "")


def _short(text: str, limit: int = MESSAGE_MAX) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_junit(data: bytes, source: str = "junit") -> list[TestCase]:
    """Every <testcase> of a ginkgo v1 (<testsuite> root) or v2 (<testsuites> root) JUnit file."""
    cases: list[TestCase] = []
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        raise InputError(f"not valid JUnit XML ({e})", path=source) from None
    for tc in root.iter("testcase"):
        name = strip_it(tc.get("name", "").strip())
        if not name:
            continue
        st = (tc.get("status") or "").lower()
        fail = tc.find("failure")
        if fail is None:
            fail = tc.find("error")
        if st in ("timedout", "timeout"):
            status = "timeout"
        elif fail is not None or st in ("failed", "panicked", "interrupted", "aborted"):
            status = "failed"
        elif tc.find("skipped") is not None or st in ("skipped", "pending", "disabled"):
            status = "skipped"
        else:
            status = "passed"
        msg = ""
        if fail is not None:
            msg = (fail.text or "").strip() or fail.get("message", "")
        try:
            dur = float(tc.get("time") or 0)
        except ValueError:
            dur = 0.0
        cases.append(TestCase(name=name, status=status, duration=dur, message=_short(msg)))
    return cases


_TAG = re.compile(r"\[[^\]]*\]")
_SEPARATOR = "------------------------------"
_FAIL_MARK = re.compile(r"(• Failure|• \[FAILED\]|\[FAILED\]|\bFAIL:|\[Fail\]|\[PANICKED\]|\[TIMEDOUT\])")


def log_excerpt(log: str, name: str) -> str:
    """The failure block of `name` in e2e.log (ginkgo prints one block per spec between dashed lines)."""
    if not log:
        return ""
    chunks = [c.strip() for c in _TAG.split(strip_it(name)) if c.strip()]
    if not chunks:
        return ""
    key = max(chunks, key=len)  # the spec text; tags like [Serial] repeat across specs
    best = ""
    for block in log.split(_SEPARATOR):
        if key not in block or not _FAIL_MARK.search(block):
            continue
        lines = block.strip("\n").splitlines()
        start = next((i for i, ln in enumerate(lines) if _FAIL_MARK.search(ln)), 0)
        # keep the first FAIL: line (the assertion) and the failure summary that follows
        picked = lines[start:]
        if len(picked) > EXCERPT_LINES:
            picked = picked[:EXCERPT_LINES] + ["…"]
        best = "\n".join(ln.rstrip() for ln in picked).strip()
        if "• Failure" in block or "• [FAILED]" in block:
            # the summary block after the spec: prefer it, it states the reason in a few lines
            tail = block[block.find("• ") :].strip().splitlines()
            best = "\n".join(tail[:EXCERPT_LINES]).strip()
        break
    return best[:EXCERPT_MAX]


class Reader:
    """Read a sonobuoy result from a tarball (vetted, never extracted) or an extracted directory."""

    def __init__(self, path: str | Path, limits: Limits = Limits()):
        self.path = Path(path)
        self._dir: Path | None = None
        self._tar: TarIndex | None = None
        self._cache: dict[str, bytes] = {}
        if self.path.is_dir():
            self._dir = self.path.resolve()
            self._names = sorted(
                normalize(str(p.relative_to(self._dir)).replace("\\", "/"))
                for p in self._dir.rglob("*")
                if p.is_file() and not p.is_symlink()
            )
        elif self.path.exists():
            self._tar = TarIndex(self.path, limits)
            self._names = sorted(self._tar.files)
        else:
            raise InputError("no such tarball or directory", path=str(self.path))
        if not any(n.startswith("plugins/") or n.startswith("meta/") for n in self._names):
            raise InputError("does not look like sonobuoy results (no plugins/ or meta/)", path=str(self.path))

    # -- raw access -------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return list(self._names)

    def prefetch(self, names: list[str]) -> None:
        if self._tar is not None:
            todo = [n for n in names if n not in self._cache]
            self._cache.update(self._tar.read_many(todo))

    def read(self, name: str) -> bytes | None:
        if name in self._cache:
            return self._cache[name]
        if name not in self._names:
            return None
        if self._dir is not None:
            target = (self._dir / name).resolve()
            if self._dir not in target.parents:
                return None
            data = target.read_bytes()
        else:
            assert self._tar is not None
            data = self._tar.read(name)
        if data is not None:
            self._cache[name] = data
        return data

    def text(self, name: str) -> str:
        data = self.read(name)
        return data.decode("utf-8", errors="replace") if data else ""

    def json(self, name: str) -> Any:
        data = self.read(name)
        if not data:
            return None
        try:
            return json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise InputError(f"not valid JSON ({e})", path=f"{self.path}!{name}") from None

    # -- layout ------------------------------------------------------------------------------------
    def plugins(self) -> list[str]:
        found = {n.split("/")[1] for n in self._names if n.startswith("plugins/") and n.count("/") >= 2}
        info = self.json(META_INFO) if META_INFO in self._names else None
        if isinstance(info, dict):
            found.update(p for p in info.get("plugins") or [] if isinstance(p, str))
        return sorted(found)

    def layout(self) -> str:
        return "new" if any(n.endswith("/sonobuoy_results.yaml") or "/results/global/" in n for n in self._names) else "old"

    def sonobuoy_version(self) -> str:
        cfg = self.json(META_CONFIG)
        return str(cfg.get("Version", "")) if isinstance(cfg, dict) else ""

    def run_uuid(self) -> str:
        cfg = self.json(META_CONFIG)
        return str(cfg.get("UUID", "")) if isinstance(cfg, dict) else ""

    def server_version(self) -> str:
        sv = self.json(SERVER_VERSION)
        return str(sv.get("gitVersion", "")) if isinstance(sv, dict) else ""

    def junit_files(self, plugin: str = E2E) -> list[str]:
        prefix = RESULTS_DIR.format(p=plugin)
        return [n for n in self._names if n.startswith(prefix) and n.endswith(".xml") and "junit" in n.rsplit("/", 1)[-1]]

    def e2e_log_name(self, plugin: str = E2E) -> str | None:
        prefix = RESULTS_DIR.format(p=plugin)
        logs = [n for n in self._names if n.startswith(prefix) and n.endswith("/e2e.log")]
        return logs[0] if logs else None

    def e2e_log(self, plugin: str = E2E) -> str:
        name = self.e2e_log_name(plugin)
        return self.text(name) if name else ""

    # -- content -----------------------------------------------------------------------------------
    def plugin_tree(self, plugin: str) -> ResultItem | None:
        name = RESULTS_YAML.format(p=plugin)
        data = self.read(name)
        if not data:
            return None
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            raw = yaml.load(data, Loader=loader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as e:
            raise InputError(f"not valid YAML ({str(e).splitlines()[0]})", path=f"{self.path}!{name}") from None
        return _item(raw) if isinstance(raw, dict) else None

    def test_cases(self, plugin: str = E2E) -> list[TestCase]:
        cases: list[TestCase] = []
        for name in self.junit_files(plugin):
            cases.extend(parse_junit(self.read(name) or b"", source=f"{self.path}!{name}"))
        return cases

    def _timed_out_files(self, plugin: str) -> set[str]:
        """Error files (archive paths) that the plugin's result tree marks `timeout`."""
        tree = self.plugin_tree(plugin)
        if tree is None:
            return set()
        return {f"plugins/{plugin}/{it.meta['file']}" for it in tree.walk() if it.status == "timeout" and it.meta.get("file")}

    def plugin_errors(self) -> list[PluginError]:
        errs: list[PluginError] = []
        for p in self.plugins():
            prefix = ERRORS_DIR.format(p=p)
            timed_out = self._timed_out_files(p) if any(x.startswith(prefix) for x in self._names) else set()
            for n in (x for x in self._names if x.startswith(prefix)):
                msg = ""
                try:
                    body = self.json(n) if n.endswith(".json") else None
                except InputError:
                    body = None
                if isinstance(body, dict):
                    msg = str(body.get("error") or "")  # the pod spec beside it is not kept
                if not msg:
                    msg = _short(self.text(n), 300) or "plugin reported an error"
                # sonobuoy's aggregator writes this exact message when it stops waiting for a plugin
                timeout = n in timed_out or msg.strip() == PLUGIN_TIMEOUT_MESSAGE
                errs.append(PluginError(plugin=p, message=_short(msg, 500), file=n, timeout=timeout))
        return errs

    def to_result(self) -> ConformanceResult:
        """The parsed facts of this tarball; the gate (known failures) is applied by the caller."""
        self.prefetch(
            [META_CONFIG, META_INFO, SERVER_VERSION]
            + [RESULTS_YAML.format(p=p) for p in self.plugins()]
            + self.junit_files()
            + [n for n in [self.e2e_log_name()] if n]
            + [n for n in self._names if "/errors/" in n]
        )
        cases = self.test_cases()
        log = self.e2e_log()
        real = [c for c in cases if not (c.name.startswith(SUITE_NODES) and c.status in ("passed", "skipped"))]
        failures = []
        for c in real:
            if c.status in ("failed", "timeout"):
                failures.append(c.model_copy(update={"log_excerpt": log_excerpt(log, c.name)}))
        plugins: list[ResultItem] = []
        other_status: list[str] = []
        for p in self.plugins():
            tree = self.plugin_tree(p)
            if tree is not None:
                plugins.append(ResultItem(name=p, status=tree.status, meta=tree.meta))
                if p != E2E:
                    other_status.append(tree.status)
            elif p == E2E and cases:
                plugins.append(ResultItem(name=p, status=aggregate_status([c.status for c in real]), meta={"type": "summary"}))
        errors = self.plugin_errors()
        ran = [c.status for c in real if c.status != "skipped"]
        # no e2e test ran at all -> unknown, whatever the other plugins say
        status = aggregate_status(ran + other_status) if ran else "unknown"
        if errors and status == "passed":
            status = "failed"
        return ConformanceResult(
            sonobuoy_version=self.sonobuoy_version(),
            server_version=self.server_version(),
            result_status=status,
            passed=sum(c.status == "passed" for c in real),
            failed=sum(c.status in ("failed", "timeout") for c in real),
            skipped=sum(c.status == "skipped" for c in real),
            failures=sorted(failures, key=lambda c: c.name),
            plugin_errors=errors,
            plugins=plugins,
            tarball=str(self.path),
        )


def _item(raw: dict) -> ResultItem:
    meta = raw.get("meta") or {}
    details = raw.get("details") or {}
    return ResultItem(
        name=str(raw.get("name", "")),
        status=str(raw.get("status", "unknown") or "unknown"),
        meta={str(k): str(v) for k, v in meta.items()} if isinstance(meta, dict) else {},
        details=details if isinstance(details, dict) else {},
        items=[_item(i) for i in raw.get("items") or [] if isinstance(i, dict)],
    )


def read_results(path: str | Path, limits: Limits = Limits()) -> ConformanceResult:
    return Reader(path, limits).to_result()
