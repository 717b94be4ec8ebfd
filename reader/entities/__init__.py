"""Named entities: extraction, gazetteer, variant merging and the alias table."""
