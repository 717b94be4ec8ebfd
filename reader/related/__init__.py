"""Related stories: fingerprints, clusters, alignment and diff of versions."""
