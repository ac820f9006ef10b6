"""The bundle's entry point: the ``levelup-pos`` command."""

from pos_app.cli import main

raise SystemExit(main())
