"""Places: the offline gazetteer, place names and how they are compared."""
