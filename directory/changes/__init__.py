"""Partners' changes and curators' decisions on them."""
