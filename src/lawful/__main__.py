"""`python -m lawful` runs the CLI."""

from lawful.cli import main

main()
