"""`python -m bot` is the same as the `actionlab` command."""

from bot.cli import main

main()
