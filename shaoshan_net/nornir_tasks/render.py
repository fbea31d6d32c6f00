"""Nornir task `render_config`: one host's configuration from the typed model, for any runbook.

Uses the process-wide cached Jinja Environment (`shaoshan_net.render.environment`), unlike
nornir_jinja2's `template_file(path=...)`, which builds a new Environment for every host.
"""

from __future__ import annotations

from pathlib import Path

from nornir.core.task import Result, Task

from shaoshan_net.model import Network
from shaoshan_net.render import TEMPLATES, render_core, render_unit


def render_config(
    task: Task, network: Network | None = None, template_dir: Path = TEMPLATES
) -> Result:
    """Render `task.host`'s configuration; the text is the result, also in host["config"].

    The network comes from the argument, else from the inventory's `host["network"]` (set by
    the ShaoshanInventory plugin). Host `core` renders the core; any other name is a unit code.
    """
    net: Network = network if network is not None else task.host["network"]
    name = task.host.name
    text = (
        render_core(net, template_dir)
        if name == "core" or task.host.data.get("role") == "core"
        else render_unit(net, name, template_dir)
    )
    task.host["config"] = text
    return Result(host=task.host, result=text)
