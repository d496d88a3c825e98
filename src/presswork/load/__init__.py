"""The load stage: a book folder (book.yaml and the files it lists) read into the `Book` model, safely."""
