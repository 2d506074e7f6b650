"""The Discord adapter: a discord.py 2.x client with one `/lab` command tree, embeds and
components rendered from neutral cards, and the Messenger port for posts and direct messages."""
