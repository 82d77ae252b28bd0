"""civicdata accounts app."""
