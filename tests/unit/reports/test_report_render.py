"""What a customer reads on each report, and the page's self-containment and escaping guarantees."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re

import pytest
from markupsafe import escape

from reports.artifacts import Artifacts, load_artifacts
from reports.render import md_escape, render, render_reports, script_hash

from migrate.errors import InputError


def _assessment(samples, evil=False, **kw) -> str:
    return render(Artifacts(inventory=samples.inventory(evil), plan=samples.plan(evil, **kw)), "assessment")


def _text(page: str) -> str:
    """Visible text, roughly: tags dropped, entities decoded, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_assessment_summary_names_source_target_score_and_blocker_resolution(samples):
    page = _assessment(samples)
    text = _text(page)
    head = text[: text.index("How the score is computed")]
    assert "D2iQ Kubernetes Platform" in head and "2.8.3" in head and "v1.27.13" in head
    assert "Amazon Web Services" in head
    assert "RKE2" in head and "Kubernetes 1.28" in head
    assert "Not ready. 1 blocker must be resolved" in head
    assert "55" in head and re.search(r'id="grade">F<', page)
    # the blocker is in the summary with what resolves it
    assert "policy/v1beta1 PodSecurityPolicy is removed in 1.25" in head
    assert "label namespaces with pod-security.kubernetes.io/enforce" in head
    # detection evidence is on the page
    assert "aws:///us-west-2a/i-0a1b2c3d4e5f60718" in text


def test_assessment_sections_carry_the_mappings(samples):
    text = _text(_assessment(samples))
    assert re.search(r"ingress Traefik 26\.0\.0 traefik ingress-nginx \(RKE2 bundled\) Replace", text)
    assert re.search(r"policy Gatekeeper 3\.14\.1 gatekeeper none Manual", text)
    assert re.search(r"policy/v1beta1 PodDisruptionBudget policy/v1 1 0", text)
    assert re.search(r"policy/v1beta1 PodSecurityPolicy \(no replacement\) 1 1", text)
    assert re.search(r"localvolumeprovisioner .*no equivalent", text)
    assert "registry.dkp.internal:5000" in text and "internal to source" in text
    assert "503 Service Unavailable after 5 retries" in text  # incomplete inventory, with why
    assert re.search(r"shop shop workload yes NeedsAttention 38", text)


def test_score_formula_is_shown_with_each_factor(samples):
    text = _text(_assessment(samples))
    section = text[text.index("How the score is computed"):text.index("Add-ons Filter") if "Add-ons Filter" in text else None]
    assert "score = 100 − Σ min(count × weight, cap)" in section
    assert re.search(r"Blockers 1 15 60 -15", section)
    assert re.search(r"Inventory incomplete 1 10 10 -10", section)
    assert "any blocker caps the grade at D" in section


def test_assessment_from_inventory_alone_says_there_is_no_plan(samples):
    page = render(Artifacts(inventory=samples.inventory()), "assessment")
    text = _text(page)
    assert "No plan was given" in text and "not assessed" in text
    # no flattering grade from the inventory alone: only an upper bound
    assert re.search(r"not scored without a plan; at most 90 ?/100", text)
    assert json.loads(re.search(r'id="report-data">(.*?)</script>', page).group(1))["grade"] is None


def test_page_is_self_contained_and_locked_down(samples):
    page = _assessment(samples)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert not re.search(r'\s(src|href)="(https?:)?//', page)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp
    assert re.search(r"script-src [^;]*unsafe-inline", csp) is None  # injected handlers could not run
    # the hash in the policy is the hash of the one executable script on the page
    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    assert len(scripts) == 1
    digest = "sha256-" + base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert digest == script_hash() and f"'{digest}'" in csp


def test_embedded_json_is_the_summary_and_safe(samples):
    page = _assessment(samples, evil=True)
    raw = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, flags=re.S).group(1)
    assert "<" not in raw  # tojson escapes it, so data can never close the script element
    data = json.loads(raw)
    assert data["kind"] == "assessment" and data["grade"] == "F" and data["blockers"] == 1


@pytest.mark.parametrize("kind", ["assessment", "conformance", "cutover"])
def test_injected_markup_is_escaped_in_every_report(samples, kind):
    arts = Artifacts(inventory=samples.inventory(True), plan=samples.plan(True), conformance=samples.conformance(True),
                     state=samples.run_state(True, rolled_back=True))
    page = render(arts, kind)
    for payload in samples.PAYLOADS:
        assert payload not in page
    assert "<img" not in page and "<svg onload" not in page
    assert len(re.findall(r"<script\b", page)) == 2  # the JSON island and the page's own script, nothing injected
    assert str(escape('<script>alert("x1")</script>')) in page  # shown as text, not dropped


def test_conformance_report_says_it_was_replayed_and_splits_known_failures(samples):
    text = _text(render(Artifacts(conformance=samples.conformance()), "conformance"))
    assert "Replayed result." in text and "202309102338_sonobuoy_rke2.tar.gz" in text
    assert "FAIL." in text and "1 unexpected e2e failure(s)" in text
    assert re.search(r"Passed 382 Failed 2 1 unexpected · 1 known Skipped 7,007", text)
    known = text[text.index("Accepted (1)"):text.index("New, not in the known-failures file")]
    assert "Daemon set [Serial] should rollback" in known and "single-node lab cluster" in known
    assert "StorageClass ebs-csi exists" in text
    assert "v1.28/rke2" in text and "Passes the review" in text
    live = _text(render(Artifacts(conformance=samples.conformance(replay=False)), "conformance"))
    assert "Replayed" not in live


def test_readiness_alone_makes_a_conformance_report(samples):
    from conformance.checks.report import ReadinessResult

    r = ReadinessResult(target="rke2-prod", checks=samples.conformance().checks)
    text = _text(render(Artifacts(readiness=r), "conformance"))
    assert "FAIL." in text and "1 failing readiness check(s)" in text and "Nodes Ready" in text


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_native_checks_alone_are_unknown_never_pass(samples, fmt):
    """Sonobuoy's pessimistic aggregation: without e2e results conformance is Unknown, even when
    every native check passes; the checks' own verdict is still shown."""
    from conformance.checks.report import ReadinessResult
    from conformance.models import CheckStatus

    passing = [c.model_copy(update={"status": CheckStatus.Passed}) for c in samples.conformance().checks]
    page = render(Artifacts(readiness=ReadinessResult(target="rke2-prod", checks=passing)), "conformance", fmt)
    text = _text(page) if fmt == "html" else page
    assert "PASS. No unexpected failures" not in text and "**PASS.**" not in text
    assert "UNKNOWN." in text and "No conformance results" in text and "never a pass" in text
    assert re.search(r"Native checks on their own: \W*PASS\W*, \d+ passed, 0 failing", text)


def test_empty_e2e_results_are_unknown_and_failing_checks_still_fail(samples):
    from conformance.checks.report import ReadinessResult

    empty = samples.conformance().model_copy(update={"passed": 0, "failed": 0, "skipped": 0, "result_status": "unknown",
                                                     "failures": [], "unexpected_failures": [], "expected_failures": [],
                                                     "checks": [], "bundle": None})
    text = _text(render(Artifacts(conformance=empty), "conformance"))
    assert "UNKNOWN." in text and "the run produced no e2e test results" in text
    failing = ReadinessResult(target="rke2-prod", checks=samples.conformance().checks)
    text = _text(render(Artifacts(readiness=failing), "conformance"))
    assert "FAIL." in text and "no conformance (e2e) results were given" in text and "Native checks on their own: FAIL" in text


def test_cutover_report_timeline_phases_and_rollback(samples):
    page = render(Artifacts(state=samples.run_state(rolled_back=True)), "cutover")
    text = _text(page)
    assert "RolledBack." in text
    assert re.search(r"4 restore restore Failed 2 2024-05-02T11:02:40Z 2 min 30 s restore ended PartiallyFailed", text)
    assert re.search(r"pre-stage Backup ds-run1-pre-stage Completed 412/412 0 1", text)
    assert re.search(r"restore Restore ds-run1-restore PartiallyFailed 405/412 3 2", text)
    assert "Rolled back. Started 2024-05-02T11:05:20Z, finished 2024-05-02T11:06:30Z (70.0 s)" in text
    assert re.search(r"Deployment shop/web 3 yes yes", text)
    assert page.count('<rect class="ok"') == 3 and page.count('<rect class="bad"') == 1  # timeline bars by outcome


def test_cutover_report_lists_parity_differences(samples):
    from conformance.checks.report import ParityResult
    from conformance.models import CheckResult, CheckStatus

    parity = ParityResult(checks=[
        CheckResult(id="distroshift.io/parity/replicas/shop/web", title="Deployment shop/web has 3 ready", category="parity",
                    status=CheckStatus.Failed, message="1/3 ready", evidence=["Deployment/shop/web"]),
        CheckResult(id="distroshift.io/parity/pvc/shop/data", title="PVC shop/data Bound", category="parity", status=CheckStatus.Passed),
    ])
    text = _text(render(Artifacts(state=samples.run_state(), parity=parity), "cutover"))
    assert "Parity: 1 difference(s) in 2 check(s)." in text
    assert "Deployment shop/web has 3 ready" in text and "1/3 ready" in text


def test_same_artifacts_render_the_same_bytes(artifact_dir):
    a = render_reports([artifact_dir / "plan.json", artifact_dir / "inventory.json"], artifact_dir / "one.html")
    b = render_reports([artifact_dir / "inventory.json", artifact_dir / "plan.json"], artifact_dir / "two.html")
    assert a[0].read_bytes() == b[0].read_bytes()


def test_auto_kind_writes_one_file_per_report(artifact_dir):
    files = render_reports(sorted(artifact_dir.glob("*.json")), artifact_dir / "out" / "r.html")
    assert [f.name for f in files] == ["r-assessment.html", "r-conformance.html", "r-cutover.html"]
    assert render_reports([artifact_dir / "conformance.json"], artifact_dir / "c.html") == [artifact_dir / "c.html"]


def test_bad_inputs_are_one_line_input_errors(artifact_dir, tmp_path):
    (tmp_path / "x.json").write_text('{"header": {"kind": "Velero"}}')
    with pytest.raises(InputError, match=r"x.json: header.kind: a 'Velero' artifact cannot be reported on"):
        load_artifacts([tmp_path / "x.json"])
    with pytest.raises(InputError, match="second Plan artifact"):
        load_artifacts([artifact_dir / "plan.json", artifact_dir / "plan.json"])
    with pytest.raises(InputError, match="needs conformance.json and/or readiness.json"):
        render_reports([artifact_dir / "plan.json"], tmp_path / "r.html", kind="conformance")
    (tmp_path / "broken.json").write_text('{"header": {"kind": "Plan", "schema_version": "1.0"}, "source": 3}')
    with pytest.raises(InputError, match="broken.json: source"):
        load_artifacts([tmp_path / "broken.json"])


def test_md_escape_neutralises_table_and_markup():
    assert md_escape("a|b") == r"a\|b"
    assert md_escape("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert md_escape("[x](javascript:alert(1))") == r"\[x\](javascript:alert(1))"
    assert md_escape("two\nlines  here") == "two lines here"
    assert md_escape("*bold* _it_ `code`") == r"\*bold\* \_it\_ \`code\`"
    assert md_escape(None) == ""


@pytest.mark.parametrize("kind", ["assessment", "conformance", "cutover"])
def test_markdown_rows_keep_their_columns_with_hostile_values(samples, kind):
    arts = Artifacts(inventory=samples.inventory(True), plan=samples.plan(True), conformance=samples.conformance(True),
                     state=samples.run_state(True, rolled_back=True))
    md = render(arts, kind, "md")
    assert "<script" not in md and "<img" not in md and "<svg" not in md
    for table in re.findall(r"((?:^\|.*\|\n)+)", md, flags=re.M):
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table.splitlines()}
        assert len(widths) == 1, table  # an unescaped pipe in a value would add a column


def test_markdown_assessment_carries_the_key_facts(samples):
    md = render(Artifacts(inventory=samples.inventory(), plan=samples.plan()), "assessment", "md")
    assert "| Readiness | **F** (55/100) |" in md
    assert "| Blocker | API\\_REMOVED | PodSecurityPolicy/restricted |" in md
    assert "| ingress | Traefik | 26.0.0 | ingress-nginx (RKE2 bundled)  | Replace |" in md
