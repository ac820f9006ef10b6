"""The register's wiring without Qt, and the use cases the window and the command line share:
the terminal (the composition root), onboarding, the demo, the catalog file, what a scan is."""
