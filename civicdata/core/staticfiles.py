"""Django's staticfiles app, told to leave out what no page loads: USWDS's 2,000 Material icons, Sass
sources, TypeScript declarations and the unminified or module builds of USWDS and htmx. Collecting and
compressing (gzip and brotli) the rest then takes seconds rather than minutes."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig


class CivicStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,
        "material-icons",
        "scss",
        "*.scss",
        "*.d.ts",
        "uswds.css",
        "uswds.js",
        "htmx.js",
        "htmx.amd.js",
        "htmx.cjs.js",
        "htmx.esm.js",
        "ext",
    ]
