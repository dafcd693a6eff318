#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "barometre.settings.main")
    # The same entry point as the `barometre` command: help without configuration, and a
    # missing setting reported in one line.
    from barometre.cli import main

    main(sys.argv)
