"""Platform adapters: translate payloads to neutral events, render cards, deliver messages."""
