"""Every write to events goes through these services (one module per aggregate)."""
