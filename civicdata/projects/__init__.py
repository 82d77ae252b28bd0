"""civicdata projects app."""
