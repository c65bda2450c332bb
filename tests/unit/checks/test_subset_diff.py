"""Parity's content comparison: server defaults are not differences; real changes are."""

from conformance.checks._support import parse_quantity
from conformance.parity import _comparable, subset_diff


def test_server_defaults_are_not_differences():
    planned = {"spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}}}}
    live = {"spec": {"replicas": 2, "revisionHistoryLimit": 10, "template": {"spec": {
        "dnsPolicy": "ClusterFirst",
        "containers": [{"name": "web", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent"}]}}}}
    assert list(subset_diff(planned, live)) == []


def test_changed_image_and_missing_field_are_reported_with_paths():
    planned = {"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "web", "image": "reg.new/web:2"}]}}}}
    live = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "reg.old/web:2"}]}}}}
    diffs = list(subset_diff(planned, live))
    assert "/spec/replicas: missing on target" in diffs
    assert "/spec/template/spec/containers/0/image: planned 'reg.new/web:2', found 'reg.old/web:2'" in diffs


def test_list_length_mismatch_is_one_difference():
    assert list(subset_diff({"a": [1, 2]}, {"a": [1]})) == ["/a: planned 2 item(s), found 1"]


def test_equal_quantities_in_other_units_match():
    assert list(subset_diff({"r": "1Gi"}, {"r": "1073741824"})) == []
    assert list(subset_diff({"cpu": "1000m"}, {"cpu": "1"})) == []
    assert list(subset_diff({"r": "2Gi"}, {"r": "1Gi"})) != []
    assert parse_quantity("500Mi") == 500 * 2**20
    assert parse_quantity("abc") is None


def test_secret_values_are_compared_by_key_only():
    planned = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"password": ""}}
    live = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "uid": "x"}, "data": {"password": "c2VjcmV0"}}
    assert list(subset_diff(_comparable(planned), _comparable(live))) == []
