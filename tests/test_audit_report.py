"""The HTML report opened in headless Chromium: it renders and the county picture is there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from shaoshan_net.audit.report import html, prom, text
from shaoshan_net.audit.runner import AuditRun, run_audit
from shaoshan_net.snmp.poller import PollSettings
from tests.fixtures.snmpsim import SimCounty

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def county_run(sim_county: SimCounty) -> AuditRun:
    network = sim_county.network
    return run_audit(network, list(network.plans), sim_county.credentials(),
                     PollSettings(timeout=2.0, retries=0), {}, sim_county.target_map())


def test_text_report_lists_failures_then_summary(county_run: AuditRun) -> None:
    lines = text(county_run).splitlines()
    assert lines[-1].startswith("audit ")
    assert any(line.startswith("qingxi ") and "uplink.speed" in line for line in lines)


def test_reports_carry_no_contact_data(county_run: AuditRun, sim_county: SimCounty) -> None:
    page = html(county_run, sim_county.network) + prom(county_run)
    for unit in sim_county.network.units:
        for contact in (unit.survey.leader, unit.survey.it_staff):
            for value in (contact.mobile, contact.email, contact.qq, contact.name):
                if value:
                    assert value not in page


def test_html_picture_colours_failing_unit_with_reason(county_run: AuditRun,
                                                       sim_county: SimCounty) -> None:
    page = html(county_run, sim_county.network)
    assert '<svg xmlns="http://www.w3.org/2000/svg" id="county-map"' in page
    start = page.index('data-unit="qingxi"')
    node = page[start : page.index("</g>", start)]
    assert "uplink.speed" in node and "#e08a00" in node
    assert page.count('class="unit ') == len(sim_county.network.plans)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed")
def test_html_renders_in_headless_chromium(county_run: AuditRun, sim_county: SimCounty,
                                           tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    page.write_text(html(county_run, sim_county.network), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "audit-report.png"
    shot.unlink(missing_ok=True)
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], capture_output=True,
                         text=True, timeout=120, check=False)
    assert 'id="county-map"' in dom.stdout
    assert 'id="matrix"' in dom.stdout
    subprocess.run([*common, f"--screenshot={shot}", "--window-size=1400,1800", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 10_000
