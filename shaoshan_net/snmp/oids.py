"""The numeric OIDs the audit reads, so no MIB is ever loaded (loading MIBs costs ~0.3 s).

Columns are table column prefixes: an instance is `column + "." + index`.
"""

from __future__ import annotations

# SNMPv2-MIB system group (scalars, instance .0)
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_CONTACT = "1.3.6.1.2.1.1.4.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"

# IF-MIB
IF_NUMBER = "1.3.6.1.2.1.2.1.0"  # rows in ifTable: sizes the ifName walk to one request
# ifTable columns (index ifIndex)
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_ADMIN_STATUS = "1.3.6.1.2.1.2.2.1.7"
IF_OPER_STATUS = "1.3.6.1.2.1.2.2.1.8"
IF_IN_DISCARDS = "1.3.6.1.2.1.2.2.1.13"
IF_IN_ERRORS = "1.3.6.1.2.1.2.2.1.14"
IF_OUT_DISCARDS = "1.3.6.1.2.1.2.2.1.19"
IF_OUT_ERRORS = "1.3.6.1.2.1.2.2.1.20"
# IF-MIB ifXTable columns
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HIGH_SPEED = "1.3.6.1.2.1.31.1.1.1.15"

# Counters whose growth between two audits is a finding, by the name the checks report.
ERROR_COUNTERS: dict[str, str] = {
    "ifInErrors": IF_IN_ERRORS,
    "ifOutErrors": IF_OUT_ERRORS,
    "ifInDiscards": IF_IN_DISCARDS,
    "ifOutDiscards": IF_OUT_DISCARDS,
}

# LLDP-MIB (IEEE 802.1AB-2005)
LLDP_LOC_SYS_NAME = "1.0.8802.1.1.2.1.3.3.0"  # scalar: "served, no port" vs "not served"
LLDP_LOC_PORT_ID = "1.0.8802.1.1.2.1.3.7.1.3"  # index lldpLocPortNum
LLDP_LOC_PORT_DESC = "1.0.8802.1.1.2.1.3.7.1.4"
LLDP_REM_PORT_ID = "1.0.8802.1.1.2.1.4.1.1.7"  # index timeMark.localPortNum.remIndex
LLDP_REM_PORT_DESC = "1.0.8802.1.1.2.1.4.1.1.8"
LLDP_REM_SYS_NAME = "1.0.8802.1.1.2.1.4.1.1.9"

# Q-BRIDGE-MIB dot1qVlanStaticName (index VLAN id)
DOT1Q_VLAN_STATIC_NAME = "1.3.6.1.2.1.17.7.1.4.3.1.1"

IF_STATUS = {1: "up", 2: "down", 3: "testing", 4: "unknown", 5: "dormant", 6: "notPresent",
             7: "lowerLayerDown"}
