"""With SHAOSHAN_LAB_ONLY=1 the audit refuses, before any packet, a target outside the lab."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_audit_refuses_a_target_that_is_not_a_lab_address(project_copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAOSHAN_")}
    # 192.0.2.0/24 (TEST-NET-1) has no route through a lab interface; nothing is sent there.
    (project_copy / "targets.json").write_text('{"core": {"host": "192.0.2.1", "port": 161}}')
    env.update(
        SHAOSHAN_LAB_ONLY="1",
        SHAOSHAN_SNMP_USER="u",
        SHAOSHAN_SNMP_AUTH_KEY="authkey123",
        SHAOSHAN_SNMP_PRIV_KEY="privkey123",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "shaoshan_net.cli",
            "--root",
            str(project_copy),
            "audit",
            "--targets",
            str(project_copy / "targets.json"),
            "--history",
            str(project_copy / "h.sqlite"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "192.0.2.1" in done.stderr and "SHAOSHAN_LAB_ONLY" in done.stderr
