#!/usr/bin/env python
"""Django's manage.py, kept for habit; `civicdata` is the same command with app verbs."""

from civicdata.cli import main

if __name__ == "__main__":
    main()
