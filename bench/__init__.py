"""Load benchmark of the bot's webhook and worker against a local stand-in for LINE."""
