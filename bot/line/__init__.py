"""The LINE edge: the only package that imports line-bot-sdk."""
