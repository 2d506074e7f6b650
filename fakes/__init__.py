"""Fakes at the edges, shared by the tests and the benchmarks: a fake Slack and a fake
Discord on 127.0.0.1 for the real clients to talk to, the payloads Discord sends, and the
race scenarios played through the real dispatch. Never imported by the product."""
