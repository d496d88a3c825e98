"""A proofreader's marks on a PDF of the book, read from the file and placed at the manuscript's lines."""
