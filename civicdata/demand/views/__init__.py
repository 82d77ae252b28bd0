"""Pages of the demand app: public request pages, votes, notifications and the feed (`public.py`), and
the staff pages for triage, moderation, log imports, analytics and the release queue (`staff.py`)."""
