"""SNMP polling for the audit: numeric OIDs and one asyncio poller per run."""
