"""CNCF submission bundle: real accepted submissions pass; tampered copies fail for the stated reason."""

from __future__ import annotations

import io
import shutil
import tarfile

import pytest

from conformance.bundle import CURRENT_K8S_VERSION, build_bundle, check_submission, normalize_version, required_tests
from migrate.errors import InputError

PRODUCT = {
    "vendor": "Example Corp", "name": "Example Kubernetes", "version": "v1.2.3", "type": "distribution",
    "description": "test product", "website_url": "https://example.com", "documentation_url": "https://example.com/docs",
    "product_logo_url": "https://example.com/logo.svg",
}
SUBMISSIONS = ["rke-government", "konvoy", "vmware-tanzu-kubernetes-grid"]


def _status(b):
    return {c.id.rsplit("/", 1)[-1]: c.status.value for c in b.checks}


def _copy(realdata_dir, tmp_path, name, version="v1.28"):
    dst = tmp_path / version / name
    shutil.copytree(realdata_dir / "sonobuoy" / "k8s-conformance" / "v1.28" / name, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    return dst


def test_versions():
    assert normalize_version("v1.28.1+rke2r1") == "v1.28" and normalize_version("1.30") == "v1.30"
    with pytest.raises(InputError):
        normalize_version("latest")
    assert len(required_tests("v1.28")) == 380
    assert required_tests("v1.19") is None
    assert CURRENT_K8S_VERSION.startswith("v1.")


@pytest.mark.realdata
@pytest.mark.parametrize("name", SUBMISSIONS)
def test_real_v128_submissions_pass(realdata_dir, name):
    b = check_submission(realdata_dir / "sonobuoy" / "k8s-conformance" / "v1.28" / name, current="v1.30")
    assert b.passed, [c for c in b.checks if c.failing]
    st = _status(b)
    assert st["required-tests"] == "Passed" and st["e2e-log-success"] == "Passed"
    # Konvoy/TKG logs carry no version line: reported as a warning, not passed silently
    assert st["e2e-log-version"] == ("Passed" if name == "rke-government" else "Skipped")


@pytest.mark.realdata
def test_real_submission_too_old_for_current(realdata_dir):
    b = check_submission(realdata_dir / "sonobuoy" / "k8s-conformance" / "v1.28" / "konvoy", current="v1.31")
    assert not b.passed and "no longer accepted" in next(c.message for c in b.checks if c.failing)


@pytest.mark.realdata
def test_tampered_summary_fails(realdata_dir, tmp_path):
    d = _copy(realdata_dir, tmp_path, "konvoy")
    log = (d / "e2e.log").read_text(errors="replace").replace("SUCCESS! -- 380 Passed | 0 Failed", "FAIL! -- 379 Passed | 1 Failed")
    (d / "e2e.log").write_text(log)
    b = check_submission(d, current="v1.28")
    failing = {c.id.rsplit("/", 1)[-1]: c.message for c in b.checks if c.failing}
    assert list(failing) == ["e2e-log-success"] and "FAIL! -- 379 Passed | 1 Failed" in failing["e2e-log-success"]


@pytest.mark.realdata
def test_tampered_junit_missing_and_failed_test(realdata_dir, tmp_path):
    d = _copy(realdata_dir, tmp_path, "vmware-tanzu-kubernetes-grid")
    xml = (d / "junit_01.xml").read_text()
    target = "[sig-api-machinery] server version should find the server version [Conformance]"
    xml = xml.replace(f'name="[It] {target}"', 'name="[It] renamed"')
    (d / "junit_01.xml").write_text(xml)
    b = check_submission(d, current="v1.28")
    failing = {c.id.rsplit("/", 1)[-1]: c for c in b.checks if c.failing}
    assert list(failing) == ["required-tests"] and failing["required-tests"].evidence == [target]


@pytest.mark.realdata
def test_folder_version_must_match_log(realdata_dir, tmp_path):
    d = _copy(realdata_dir, tmp_path, "rke-government", version="v1.29")
    b = check_submission(d, current="v1.30")
    failing = {c.id.rsplit("/", 1)[-1]: c.message for c in b.checks if c.failing}
    assert "e2e-log-version" in failing and "v1.28" in failing["e2e-log-version"] and "v1.29" in failing["e2e-log-version"]


@pytest.mark.realdata
def test_missing_product_field_and_file(realdata_dir, tmp_path):
    d = _copy(realdata_dir, tmp_path, "konvoy")
    (d / "PRODUCT.yaml").write_text((d / "PRODUCT.yaml").read_text().replace("vendor: Nutanix\n", ""))
    (d / "README.md").unlink()
    failing = {c.id.rsplit("/", 1)[-1]: c.message for c in check_submission(d, current="v1.28").checks if c.failing}
    assert "vendor" in failing["product-yaml"] and "README.md" in failing["files-present"]


@pytest.mark.realdata
def test_bundle_built_from_a_tarball_passes(realdata_dir, tmp_path, standin):
    # a v1.28 results tarball assembled from a real accepted submission's e2e.log and junit
    src = realdata_dir / "sonobuoy" / "k8s-conformance" / "v1.28" / "rke-government"
    files = standin.scenario_files("all-pass")
    files["plugins/e2e/results/global/e2e.log"] = (src / "e2e.log").read_bytes()
    files["plugins/e2e/results/global/junit_01.xml"] = (src / "junit_01.xml").read_bytes()
    tb = tmp_path / "r.tar.gz"
    with tb.open("wb") as fh:
        standin._write_tar(fh, files)
    out = tmp_path / "v1.28" / "example"
    b = build_bundle(tb, out, PRODUCT, current="v1.30")
    assert b.passed and b.k8s_version == "v1.28"
    assert (out / "junit_01.xml").read_bytes() == (src / "junit_01.xml").read_bytes()
    assert "Example Kubernetes" in (out / "README.md").read_text() and _status(b)["server-version"] == "Passed"


def test_bundle_from_small_run_fails_required_tests(make_tarball, tmp_path):
    b = build_bundle(make_tarball("all-pass"), tmp_path / "b", PRODUCT, current="v1.28")
    failing = {c.id.rsplit("/", 1)[-1]: c.message for c in b.checks if c.failing}
    assert list(failing) == ["required-tests"] and "374 of 380" in failing["required-tests"]


def test_bundle_from_failed_run_fails(make_tarball, tmp_path):
    b = build_bundle(make_tarball("failures"), tmp_path / "b", PRODUCT, k8s_version="v1.28", current="v1.28")
    failing = {c.id.rsplit("/", 1)[-1] for c in b.checks if c.failing}
    # the log says v1.21 (the real failing run), the folder v1.28
    assert {"e2e-log-success", "junit-no-failures", "e2e-log-version"} <= failing


def test_bundle_without_e2e_results_is_input_error(make_tarball, tmp_path):
    with pytest.raises(InputError, match="no e2e results"):
        build_bundle(make_tarball("plugin-error"), tmp_path / "b", PRODUCT)
