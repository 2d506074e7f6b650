"""The console adapter: a REPL (and piped-input runner) that drives the real core."""
