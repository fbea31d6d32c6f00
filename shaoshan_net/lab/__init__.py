"""The simulated county network: namespaces, real SNMP/LLDP agents and SSH switch emulators."""
