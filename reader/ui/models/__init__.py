"""Item models over the core's plain data (each checked by pytest-qt's `qtmodeltester`)."""
