"""shaoshan-net: provisioning and audit of Shaoshan's county e-government extranet."""

__version__ = "0.1.0"
