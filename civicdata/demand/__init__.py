"""civicdata demand app."""
