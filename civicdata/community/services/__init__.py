"""Every write to community records goes through these services (one module per aggregate)."""
