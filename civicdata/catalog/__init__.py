"""civicdata catalog app."""
