"""Pages of the accounts app: a person's profile and tokens (`profile.py`) and the organisation pages
(`organizations.py`)."""
