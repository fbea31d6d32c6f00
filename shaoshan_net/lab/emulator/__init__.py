"""SSH switch emulator for the lab: Huawei VRP, H3C Comware 7 and Cisco IOS dialects.

One process serves many switches (`python -m shaoshan_net.lab.emulator SPEC.json`); netmiko's
own `huawei`, `hp_comware` and `cisco_ios` drivers drive it unchanged. See `spec.py` for the
spec, `vrp.py`/`comware.py`/`ios.py` for each platform's grammar.
"""

from __future__ import annotations

from .dialects import DIALECTS
from .process import EmulatorError, EmulatorProcess
from .spec import EmulatorSpec, SwitchSpec, load_spec

NETMIKO_DEVICE_TYPES = {
    "huawei_vrp": "huawei",
    "h3c_comware": "hp_comware",
    "cisco_ios": "cisco_ios",
}

__all__ = [
    "DIALECTS",
    "NETMIKO_DEVICE_TYPES",
    "EmulatorError",
    "EmulatorProcess",
    "EmulatorSpec",
    "SwitchSpec",
    "load_spec",
]
