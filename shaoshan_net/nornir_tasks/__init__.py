"""Nornir tasks of shaoshan-net: usable from any runbook (`nornir.run(task=...)`)."""
