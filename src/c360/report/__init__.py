"""Static HTML report of a run: population, quality, identity, lineage, profiles."""
