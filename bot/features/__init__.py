"""Use cases: load, call the domain, save, answer. Each module registers on its own Router."""
