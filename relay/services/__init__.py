"""What the relay does, behind its HTTP handlers: conversations, lookups, pairing, publishing."""
