"""The PySide6 window over the core; the only package that imports Qt."""
