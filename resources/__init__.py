"""Files that ship with Corpus Reader: the sample corpus, icons, launcher, help.

This folder sits at the top of the repository and installs as the package `reader.resources`;
code finds its files through `reader.bundled`, never by a path of its own.
"""
