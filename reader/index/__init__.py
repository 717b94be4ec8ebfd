"""The full-text index: Whoosh for search, SQLite beside it for texts and metadata."""
