"""Run the runback CLI with `python -m runback`."""

from runback.cli.app import main

main()
