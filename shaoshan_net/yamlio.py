"""YAML reading that refuses what PyYAML silently accepts (duplicate keys) and reports lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from shaoshan_net.errors import InputError


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that raises on a duplicate mapping key instead of keeping the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file; any syntax problem becomes a one-line `InputError` with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(str(path), None, None, "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), None, None, f"cannot read: {exc}") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise InputError(str(path), None, None, f"YAML syntax: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(str(path), None, None, f"YAML syntax: {exc}") from None
