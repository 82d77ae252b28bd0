"""Pages of the projects app: public pages, the staff workspace and printable documents."""
