"""actionlab's core. It knows no platform: adapters/ connect it to Slack, Discord, a console."""
