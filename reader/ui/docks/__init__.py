"""The window's side panels: entities, related stories, import problems."""
