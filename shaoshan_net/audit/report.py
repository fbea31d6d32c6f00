"""Audit reports: text for cron mail, json for tools, prom for node_exporter, html for people.

Reports carry unit codes, names, hostnames, ports and check reasons only; never contact data
and never credentials (reasons are built from SNMP answers and the plan, not the environment).
"""

from __future__ import annotations

import json
import math
from html import escape

from shaoshan_net.audit.checks import CHECKS, CORE, CheckResult
from shaoshan_net.audit.runner import AuditRun
from shaoshan_net.model import Network

STATE_COLOURS = {
    "ok": "#2e9d3f",
    "unknown": "#9e9e9e",
    "fail": "#e08a00",
    "auth": "#8e44ad",
    "unreachable": "#d32f2f",
}
STATUS_VALUE = {"ok": 0, "fail": 1, "unknown": 2}


def _counts(run: AuditRun) -> dict[str, int]:
    out = {"ok": 0, "fail": 0, "unknown": 0}
    for r in run.results:
        out[r.status] += 1
    return out


def summary_line(run: AuditRun) -> str:
    c = _counts(run)
    states = list(run.states.values())
    parts = [
        f"audit {run.started.strftime('%Y-%m-%d %H:%M:%S')} UTC: {len(states)} switches",
        f"{len(run.results)} checks: {c['ok']} ok, {c['fail']} failed, {c['unknown']} unknown",
    ]
    dead = states.count("unreachable")
    if dead:
        parts.append(f"{dead} unreachable")
    auth = states.count("auth")
    if auth:
        parts.append(f"{auth} authentication failure(s)")
    parts.append(f"{run.duration:.1f} s, exit {run.exit_code}")
    return "; ".join(parts)


def text(run: AuditRun) -> str:
    """Cron's mail: one summary line when all is well, else each failure then the summary."""
    failures = [r for r in run.results if r.status == "fail"]
    lines = []
    for r in failures:
        lines.append(f"{r.unit:<14} {r.check:<17} {r.severity:<8} {r.reason}")
    lines.append(summary_line(run))
    return "\n".join(lines) + "\n"


def as_json(run: AuditRun, network: Network) -> str:
    units = []
    for unit, checks in run.by_unit().items():
        hostname = network.core.hostname if unit == CORE else network.plans[unit].hostname
        name = "" if unit == CORE else network.unit(unit).name
        units.append({
            "unit": unit,
            "name": name,
            "hostname": hostname,
            "state": run.states.get(unit, "unknown"),
            "checks": [{k: v for k, v in c.as_dict().items() if k != "unit"} for c in checks],
        })
    doc = {
        "started": run.started.isoformat(timespec="seconds"),
        "duration_seconds": round(run.duration, 3),
        "selection": run.selection,
        "exit_code": run.exit_code,
        "summary": _counts(run),
        "units": units,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def prom(run: AuditRun) -> str:
    """node_exporter textfile collector format (write it atomically: the collector may read
    the file at any moment)."""
    lines = [
        "# HELP shaoshan_audit_check Audit check status: 0 ok, 1 failed, 2 unknown.",
        "# TYPE shaoshan_audit_check gauge",
    ]
    for r in run.results:
        lines.append(
            f'shaoshan_audit_check{{unit="{_label(r.unit)}",check="{_label(r.check)}",'
            f'severity="{r.severity}"}} {STATUS_VALUE[r.status]}'
        )
    lines += [
        "# HELP shaoshan_audit_unit_up 1 if the switch answered SNMP in the last audit.",
        "# TYPE shaoshan_audit_unit_up gauge",
    ]
    for unit, state in run.states.items():
        up = 0 if state == "unreachable" else 1
        lines.append(f'shaoshan_audit_unit_up{{unit="{_label(unit)}"}} {up}')
    c = _counts(run)
    lines += [
        "# HELP shaoshan_audit_checks Number of checks by status in the last audit.",
        "# TYPE shaoshan_audit_checks gauge",
        *(f'shaoshan_audit_checks{{status="{k}"}} {v}' for k, v in c.items()),
        "# HELP shaoshan_audit_exit_code Exit code of the last audit (0 ok, 1 findings, "
        "2 unreachable).",
        "# TYPE shaoshan_audit_exit_code gauge",
        f"shaoshan_audit_exit_code {run.exit_code}",
        "# HELP shaoshan_audit_duration_seconds Wall time of the last audit.",
        "# TYPE shaoshan_audit_duration_seconds gauge",
        f"shaoshan_audit_duration_seconds {run.duration:.3f}",
        "# HELP shaoshan_audit_last_run_timestamp_seconds When the last audit started.",
        "# TYPE shaoshan_audit_last_run_timestamp_seconds gauge",
        f"shaoshan_audit_last_run_timestamp_seconds {run.started.timestamp():.0f}",
    ]
    return "\n".join(lines) + "\n"


def _first_problem(checks: list[CheckResult]) -> CheckResult | None:
    for status in ("fail", "unknown"):
        for c in checks:
            if c.status == status:
                return c
    return None


def svg(run: AuditRun, network: Network) -> str:
    """The county as a picture: the core in the centre, every unit on a ring around it, each
    link and node coloured by its state; a failing check in the <title> tooltip and beside it.

    Scales to the page (viewBox, width 100%). Labels sit outside the ring along their spoke,
    anchored away from the circle (start on the right half, end on the left) and turned to the
    spoke's angle, so neighbours never overlap and every label stays inside the viewBox.
    """
    by_unit = run.by_unit()
    units = [u for u in by_unit if u != CORE]
    n = max(len(units), 1)
    radius = max(200.0, 16 * n / (2 * math.pi))  # >= 16 px of ring per unit
    labels: list[tuple[str, str, CheckResult | None]] = []
    for unit in units:
        state = run.states.get(unit, "unknown")
        problem = _first_problem(by_unit[unit]) if state != "ok" else None
        text = unit + (f" ✗ {problem.check}" if problem and problem.status == "fail" else "")
        labels.append((unit, text, problem))
    longest = max((len(t) for _, t, _ in labels), default=4)
    margin = 24 + 6.5 * longest  # room for the longest label at 11 px sans-serif
    half = radius + margin
    size = 2 * half
    c = half
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="county-map" viewBox="0 0 {size:.0f} '
        f'{size:.0f}" width="100%" style="max-width:{max(size, 1000):.0f}px;height:auto;'
        'display:block;margin:auto" '
        'preserveAspectRatio="xMidYMid meet" font-family="sans-serif" font-size="11">'
    ]
    nodes = []
    for i, (unit, text, problem) in enumerate(labels):
        angle = 2 * math.pi * i / n - math.pi / 2
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = c + radius * cos, c + radius * sin
        state = run.states.get(unit, "unknown")
        colour = STATE_COLOURS[state]
        out.append(f'<line x1="{c:.1f}" y1="{c:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        tip = f"{unit} {network.plans[unit].hostname}: {state}"
        if problem:
            tip += f" - {problem.check}: {problem.reason}"
        right = cos >= -1e-9
        lx, ly = c + (radius + 12) * cos, c + (radius + 12) * sin
        turn = math.degrees(angle) if right else math.degrees(angle) + 180
        nodes.append(
            f'<g class="unit {state}" data-unit="{escape(unit)}"><title>{escape(tip)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#333"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" dy="0.35em" '
            f'text-anchor="{"start" if right else "end"}" '
            f'transform="rotate({turn:.1f} {lx:.1f} {ly:.1f})">{escape(text)}</text></g>'
        )
    core_state = run.states.get(CORE, "unknown")
    core_tip = f"{network.core.hostname}: {core_state}"
    problem = _first_problem(by_unit.get(CORE, []))
    if problem and core_state != "ok":
        core_tip += f" - {problem.check}: {problem.reason}"
    out += nodes
    out.append(
        f'<g class="core {core_state}"><title>{escape(core_tip)}</title>'
        f'<circle cx="{c:.1f}" cy="{c:.1f}" r="26" fill="{STATE_COLOURS[core_state]}" '
        f'stroke="#333" stroke-width="2"/>'
        f'<rect x="{c - 62:.1f}" y="{c + 31:.1f}" width="124" height="16" rx="3" '
        'fill="#fff" fill-opacity="0.85"/>'
        f'<text x="{c:.1f}" y="{c + 43:.1f}" text-anchor="middle" font-weight="bold">'
        f"{escape(network.core.hostname)}</text></g>"
    )
    out.append("</svg>")
    return "\n".join(out)


def html(run: AuditRun, network: Network) -> str:
    """One self-contained page: summary, the picture, and the unit x check matrix."""
    by_unit = run.by_unit()
    columns = [c for c in CHECKS if any(r.check == c for r in run.results)]
    head = "".join(f'<th title="{escape(CHECKS[c][1])}">{escape(c)}</th>' for c in columns)
    rows = []
    for unit, checks in by_unit.items():
        cells = {c.check: c for c in checks}
        state = run.states.get(unit, "unknown")
        tds = []
        for col in columns:
            c = cells.get(col)
            if c is None:
                tds.append("<td></td>")
            else:
                mark = {"ok": "✓", "fail": "✗", "unknown": "?"}[c.status]
                tds.append(f'<td class="{c.status}" title="{escape(c.reason)}">{mark}</td>')
        name = "" if unit == CORE else network.unit(unit).name
        rows.append(f'<tr><th class="{state}">{escape(unit)}</th>'
                    f'<td class="name">{escape(name)}</td>'
                    f'<td class="{state}">{state}</td>{"".join(tds)}</tr>')
    failures = "".join(
        f"<li><b>{escape(r.unit)}</b> {escape(r.check)} ({r.severity}): {escape(r.reason)}</li>"
        for r in run.results if r.status == "fail"
    ) or "<li>none</li>"
    legend = " ".join(
        f'<span style="display:inline-block;width:.9em;height:.9em;border-radius:50%;'
        f'background:{v};vertical-align:middle"></span> {k}' for k, v in STATE_COLOURS.items()
    )
    colours = "".join(
        f"td.{k},th.{k}{{background:{v};color:#fff}}" for k, v in STATE_COLOURS.items()
    )
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>{escape(network.topology.county)} e-government extranet audit</title>
<style>body{{font-family:sans-serif;margin:1em}}table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ccc;padding:2px 5px;text-align:center}}
td.name{{white-space:nowrap;text-align:left}}{colours}</style></head>
<body><h1>{escape(network.topology.county)} e-government extranet: connectivity audit</h1>
<p id="summary">{escape(summary_line(run))}</p>
<h2>Network</h2>
<p id="legend">{legend}</p>
{svg(run, network)}
<h2>Failures</h2><ul id="failures">{failures}</ul>
<h2>Connectivity matrix</h2>
<div style="overflow-x:auto">
<table id="matrix"><tr><th>unit</th><th>name</th><th>state</th>{head}</tr>
{"".join(rows)}
</table></div></body></html>
"""


def render(run: AuditRun, network: Network, fmt: str) -> str:
    if fmt == "text":
        return text(run)
    if fmt == "json":
        return as_json(run, network)
    if fmt == "prom":
        return prom(run)
    if fmt == "html":
        return html(run, network)
    raise ValueError(fmt)
