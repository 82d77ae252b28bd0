"""The site shell, the top layer: the home page, the staff overview and audit log, the URL map, the API
mount and demo orchestration. It may import every app; no app imports it."""
