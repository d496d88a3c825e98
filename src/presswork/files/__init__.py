"""Reading and writing files safely: atomic products, output folders, bounded archives."""
