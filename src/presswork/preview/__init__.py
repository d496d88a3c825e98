"""The live preview's web server: the latest good product on 127.0.0.1, with a page that reloads
after each rebuild and shows a failed one's error (`presswork watch`, commands/watch.py)."""

PREVIEWS = ("pdf", "digital", "web")  # the products a preview serves: a PDF, or a site
