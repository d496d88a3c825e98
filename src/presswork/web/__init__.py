"""The web edition's stage: the rendered book as a static site (pages, search index, assets)."""
