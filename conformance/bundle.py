"""Build and review a CNCF k8s-conformance submission folder (vX.Y/<product>/ in cncf/k8s-conformance).

The review mirrors what the submission bot and reviewers check:
- the four files exist and are not empty: PRODUCT.yaml, README.md, e2e.log, junit_01.xml
- PRODUCT.yaml carries vendor, name, version, type, description, website_url, documentation_url,
  product_logo_url (repo_url and contact_email_address are optional, as accepted submissions show)
- the folder version is supported: CURRENT_K8S_VERSION or one of the two minors before it
- e2e.log's `e2e test version` / `kube-apiserver version` major.minor equals the folder version
  (a log without those lines - runs without -v print none - is a warning, not a pass)
- e2e.log's final ginkgo summary reads `SUCCESS! -- N Passed | 0 Failed` (real logs then end with
  "PASS" / "Test Suite Passed", so the last summary line is the one checked, not the last byte)
- junit_01.xml has no failed test and contains every required conformance test of that version,
  passed. Required lists live in conformance/data/required-<version>.txt, generated from a real
  accepted submission's junit (see conformance/data/regenerate.py); versions without a list are a
  warning saying so.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml

from conformance.models import BundleCheck, CheckResult, CheckStatus
from conformance.results import SUITE_NODES, Reader, parse_junit, strip_it
from migrate.errors import InputError
from migrate.models.io import write_atomic

__all__ = [
    "CURRENT_K8S_VERSION",
    "SUBMISSION_FILES",
    "PRODUCT_REQUIRED",
    "normalize_version",
    "required_tests",
    "required_from_junit",
    "check_submission",
    "build_bundle",
    "load_product",
]

# Newest Kubernetes minor treated as "current" by default. Bump when a release ships, or pass
# --current-version. (v1.36 is the newest apiserver in the project's sample data.)
CURRENT_K8S_VERSION = "v1.36"
SUBMISSION_FILES = ("PRODUCT.yaml", "README.md", "e2e.log", "junit_01.xml")
PRODUCT_REQUIRED = ("vendor", "name", "version", "type", "description", "website_url", "documentation_url", "product_logo_url")
PRODUCT_OPTIONAL = ("repo_url", "contact_email_address")
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$")
_E2E_VERSION = re.compile(r"e2e test version: (v\d+\.\d+(?:\.\d+)?)\S*\s*$")
_API_VERSION = re.compile(r"kube-apiserver version: (v\d+\.\d+(?:\.\d+)?)\S*\s*$")
_SUMMARY = re.compile(r"^(SUCCESS|FAIL)! -- (\d+) Passed \| (\d+) Failed \| (\d+) Pending \| (\d+) Skipped")
ID = "distroshift.io/cncf/"


def normalize_version(v: str) -> str:
    """'1.28', 'v1.28.3', 'v1.28.1+rke2r1' -> 'v1.28'."""
    m = _VERSION.match((v or "").strip())
    if not m:
        raise InputError(f"{v!r} is not a Kubernetes version like v1.28", field="--k8s-version")
    return f"v{int(m.group(1))}.{int(m.group(2))}"


def _minor(v: str) -> tuple[int, int]:
    m = _VERSION.match(v)
    assert m
    return int(m.group(1)), int(m.group(2))


def required_from_junit(data: bytes) -> list[str]:
    return sorted({" ".join(c.name.split()) for c in parse_junit(data) if "[Conformance]" in c.name})


def required_tests(version: str) -> list[str] | None:
    """The shipped required list for `version`, or None when we ship none for it."""
    try:
        text = resources.files("conformance.data").joinpath(f"required-{normalize_version(version)}.txt").read_text()
    except FileNotFoundError:
        return None
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _check(name: str, title: str, status: CheckStatus, message: str = "", evidence=(), severity: str = "Error") -> CheckResult:
    return CheckResult(
        id=ID + name, title=title, category="cncf-bundle", severity=severity, status=status, message=message, evidence=list(evidence)
    )


def load_product(path: str | Path) -> dict:
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text())
    except FileNotFoundError:
        raise InputError("file not found", path=str(p)) from None
    except yaml.YAMLError as e:
        raise InputError(f"not valid YAML ({str(e).splitlines()[0]})", path=str(p)) from None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of product fields", path=str(p))
    return data


def _check_product(folder: Path) -> CheckResult:
    title = "PRODUCT.yaml has the required fields"
    try:
        data = load_product(folder / "PRODUCT.yaml")
    except InputError as e:
        return _check("product-yaml", title, CheckStatus.Failed, str(e))
    missing = [k for k in PRODUCT_REQUIRED if not str(data.get(k) or "").strip()]
    if missing:
        return _check("product-yaml", title, CheckStatus.Failed, f"PRODUCT.yaml is missing or has empty: {', '.join(missing)}")
    bad_urls = [k for k in PRODUCT_REQUIRED + PRODUCT_OPTIONAL if k.endswith("_url") and data.get(k) and not str(data[k]).startswith(("https://", "http://"))]
    if bad_urls:
        return _check("product-yaml", title, CheckStatus.Failed, f"not an http(s) URL: {', '.join(bad_urls)}")
    return _check("product-yaml", title, CheckStatus.Passed, f"{data['vendor']} / {data['name']} {data['version']}")


def _check_supported(version: str, current: str) -> CheckResult:
    title = "Kubernetes version is current or one of the two before"
    cm, cn = _minor(current)
    vm, vn = _minor(version)
    oldest = f"v{cm}.{cn - 2}"
    if vm != cm or vn > cn:
        return _check("supported-version", title, CheckStatus.Failed, f"{version} is newer than the current {current} (pass --current-version if a release shipped)")
    if vn < cn - 2:
        return _check("supported-version", title, CheckStatus.Failed, f"{version} is no longer accepted: current is {current}, oldest accepted {oldest}")
    return _check("supported-version", title, CheckStatus.Passed, f"{version} is within {oldest}..{current}")


def _check_log_version(log: str, version: str) -> CheckResult:
    title = "e2e.log reports the folder's Kubernetes version"
    found: list[tuple[str, str]] = []
    for ln in log.splitlines():
        for label, rx in (("e2e test version", _E2E_VERSION), ("kube-apiserver version", _API_VERSION)):
            m = rx.search(ln)
            if m:
                found.append((label, m.group(1)))
    if not found:
        return _check(
            "e2e-log-version", title, CheckStatus.Skipped,
            "e2e.log states no 'e2e test version' / 'kube-apiserver version' line; version not verifiable (reviewers may ask for a verbose log)",
            severity="Warning",
        )
    wrong = [f"{label}: {v}" for label, v in found if normalize_version(v) != version]
    evidence = sorted({f"{label}: {v}" for label, v in found})
    if wrong:
        return _check("e2e-log-version", title, CheckStatus.Failed, f"e2e.log reports {wrong[0]}, but the folder is {version}", evidence)
    return _check("e2e-log-version", title, CheckStatus.Passed, f"e2e.log reports {found[0][1]}", evidence)


def _check_log_success(log: str) -> CheckResult:
    title = "e2e.log ends with SUCCESS and 0 failed"
    summaries = [ln.strip() for ln in log.splitlines() if _SUMMARY.match(ln.strip())]
    if not summaries:
        return _check("e2e-log-success", title, CheckStatus.Failed, "e2e.log has no ginkgo summary line ('SUCCESS! -- N Passed | 0 Failed ...'); the run did not finish")
    last = summaries[-1]
    m = _SUMMARY.match(last)
    assert m
    if m.group(1) != "SUCCESS" or int(m.group(3)) != 0:
        return _check("e2e-log-success", title, CheckStatus.Failed, f"e2e.log summary reads '{last}'", [last])
    return _check("e2e-log-success", title, CheckStatus.Passed, last, [last])


def _check_junit(junit: bytes, version: str, source: str) -> list[CheckResult]:
    try:
        cases = parse_junit(junit, source=source)
    except InputError as e:
        return [_check("junit-no-failures", "junit_01.xml has no failed tests", CheckStatus.Failed, str(e))]
    failed = sorted(c.name for c in cases if c.status in ("failed", "timeout"))
    out = []
    if failed:
        out.append(_check("junit-no-failures", "junit_01.xml has no failed tests", CheckStatus.Failed, f"{len(failed)} failed test(s) in junit_01.xml, first: {failed[0]}", failed[:20]))
    else:
        ran = sum(c.status == "passed" and not c.name.startswith(SUITE_NODES) for c in cases)
        out.append(_check("junit-no-failures", "junit_01.xml has no failed tests", CheckStatus.Passed, f"{ran} tests passed"))
    title = f"every required {version} conformance test ran and passed"
    req = required_tests(version)
    if req is None:
        out.append(_check("required-tests", title, CheckStatus.Skipped, f"distroshift ships no required-test list for {version}; see conformance/data/regenerate.py", severity="Warning"))
        return out
    passed = {" ".join(strip_it(c.name).split()) for c in cases if c.status == "passed"}
    missing = [n for n in req if n not in passed]
    if missing:
        out.append(_check("required-tests", title, CheckStatus.Failed, f"{len(missing)} of {len(req)} required tests missing or not passed, first: {missing[0]}", missing[:20]))
    else:
        out.append(_check("required-tests", title, CheckStatus.Passed, f"all {len(req)} required tests passed"))
    return out


def check_submission(folder: str | Path, k8s_version: str | None = None, current: str = CURRENT_K8S_VERSION, server_version: str | None = None) -> BundleCheck:
    """Review a submission folder. The version defaults to the folder's parent name (v1.28/<product>)."""
    f = Path(folder)
    if not f.is_dir():
        raise InputError("not a directory", path=str(f))
    if k8s_version is None:
        try:
            k8s_version = normalize_version(f.resolve().parent.name)
        except InputError:
            raise InputError("cannot tell the Kubernetes version from the folder name; pass --k8s-version", path=str(f)) from None
    version = normalize_version(k8s_version)
    current = normalize_version(current)
    product = ""
    checks: list[CheckResult] = []
    missing = [n for n in SUBMISSION_FILES if not (f / n).is_file() or (f / n).stat().st_size == 0]
    checks.append(
        _check("files-present", "submission has PRODUCT.yaml, README.md, e2e.log and junit_01.xml",
               CheckStatus.Failed if missing else CheckStatus.Passed,
               f"missing or empty: {', '.join(missing)}" if missing else "all four files present")
    )
    checks.append(_check_supported(version, current))
    if "PRODUCT.yaml" not in missing:
        pc = _check_product(f)
        checks.append(pc)
        if pc.status == CheckStatus.Passed:
            product = pc.message
    if "e2e.log" not in missing:
        log = (f / "e2e.log").read_text(errors="replace")
        checks.append(_check_log_version(log, version))
        checks.append(_check_log_success(log))
    if "junit_01.xml" not in missing:
        checks.extend(_check_junit((f / "junit_01.xml").read_bytes(), version, str(f / "junit_01.xml")))
    if server_version:
        ok = normalize_version(server_version) == version
        checks.append(
            _check("server-version", "the cluster's server version matches the folder version",
                   CheckStatus.Passed if ok else CheckStatus.Failed,
                   f"serverversion.json says {server_version}" + ("" if ok else f", but the folder is {version}"))
        )
    return BundleCheck(folder=str(f), k8s_version=version, product=product, current_version=current, checks=checks)


README_TEMPLATE = """# {name}
{description}

## To reproduce

1. Create a {name} {product_version} cluster.
2. Run the conformance tests with sonobuoy {sonobuoy_version} (the official instructions,
   https://github.com/cncf/k8s-conformance/blob/master/instructions.md):

   ```
   sonobuoy run --mode=certified-conformance
   sonobuoy status        # until complete
   outfile=$(sonobuoy retrieve)
   mkdir ./results; tar xzf $outfile -C ./results
   cp results/plugins/e2e/results/global/{{e2e.log,junit_01.xml}} .
   sonobuoy delete --wait
   ```

These files were assembled by `distroshift conformance bundle` from the results tarball
{tarball} (run {run_id}).
"""


def build_bundle(
    results: str | Path,
    out: str | Path,
    product: dict,
    k8s_version: str | None = None,
    current: str = CURRENT_K8S_VERSION,
    readme: str | None = None,
) -> BundleCheck:
    """Write PRODUCT.yaml, README.md, e2e.log and junit_01.xml into `out`, then review the folder."""
    reader = Reader(results)
    log_name = reader.e2e_log_name()
    junits = reader.junit_files()
    if not log_name or not junits:
        raise InputError("has no e2e results (plugins/e2e/results/.../e2e.log and junit_01.xml)", path=str(results))
    junit = next((j for j in junits if j.endswith("/junit_01.xml")), junits[0])
    server = reader.server_version()
    if k8s_version is None:
        if not server:
            raise InputError("no serverversion.json in the results; pass --k8s-version", path=str(results))
        k8s_version = server
    version = normalize_version(k8s_version)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    # e2e.log and junit are copied byte for byte: reviewers compare them with the tarball
    write_atomic(out_dir / "e2e.log", reader.read(log_name) or b"")
    write_atomic(out_dir / "junit_01.xml", reader.read(junit) or b"")
    write_atomic(out_dir / "PRODUCT.yaml", yaml.safe_dump(product, sort_keys=False, allow_unicode=True))
    if readme is None:
        readme = README_TEMPLATE.format(
            name=product.get("name", "PRODUCT"),
            description=product.get("description", ""),
            product_version=product.get("version", ""),
            sonobuoy_version=reader.sonobuoy_version() or "(unknown)",
            tarball=Path(results).name,
            run_id=reader.run_uuid() or "unknown",
        )
    write_atomic(out_dir / "README.md", readme)
    return check_submission(out_dir, version, current, server_version=server or None)
