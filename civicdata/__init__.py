"""civicdata: an open-data engagement platform for city halls, agencies and libraries."""
