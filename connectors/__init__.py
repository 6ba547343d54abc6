"""Store connectors: one sub-package per platform, one protocol, one error hierarchy."""
