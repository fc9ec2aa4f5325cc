"""docs/operations: the alert rules and the dashboard parse and name only series Orderly serves
(promtool is not in the CI image, so the rules are checked here)."""

import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2] / "docs" / "operations"
SERIES = re.compile(r"\b(orderly_[a-z_]+)")
SUFFIXES = ("_total", "_bucket", "_count", "_sum")

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(client, settings) -> set[str]:
    """The sample names /metrics serves, plus each family's name."""
    settings.METRICS_TOKEN = "docs"
    client.get("/")  # one request, so the request series have samples
    text = client.get("/metrics", headers={"Authorization": "Bearer docs"}).content.decode()
    names = set()
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        names.update(family.name + suffix for suffix in SUFFIXES)
    return names


def _rules():
    return [
        rule
        for group in yaml.safe_load((ROOT / "alerts.yml").read_text())["groups"]
        for rule in group["rules"]
    ]


def test_every_alert_rule_is_complete_and_names_served_series(served):
    rules = _rules()
    assert {rule["alert"] for rule in rules} >= {
        "OrderlyServerErrors",
        "OrderlyCheckoutSlow",
        "OrderlyOutboxStale",
        "OrderlyMinuteJobStalled",
        "OrderlyRefundsFailing",
        "OrderlyWebhooksFailing",
    }
    for rule in rules:
        assert rule["expr"].strip() and rule["labels"]["severity"] in {"page", "ticket"}
        assert rule["annotations"]["summary"]
        assert re.fullmatch(r"\d+[smh]", rule.get("for", "0m")), rule["alert"]
        assert rule["expr"].count("(") == rule["expr"].count(")"), rule["alert"]
        named = set(SERIES.findall(rule["expr"]))
        assert named and named <= served, (rule["alert"], named - served)


def test_the_outbox_alert_fires_after_five_minutes():
    (outbox,) = [rule for rule in _rules() if rule["alert"] == "OrderlyOutboxStale"]
    assert outbox["expr"] == "max(orderly_outbox_oldest_seconds) > 300"


def test_the_dashboard_shows_what_an_operator_watches(served):
    dashboard = json.loads((ROOT / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    titles = " ".join(panel["title"] for panel in dashboard["panels"]).lower()
    for what in ["requests", "p50 / p95", "orders", "refusals", "outbox", "task failures"]:
        assert what in titles, what
    for expr in exprs:
        named = set(SERIES.findall(expr))
        assert named and named <= served, (expr, named - served)
