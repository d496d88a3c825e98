"""The render stage: the model as semantic XHTML once for every product, with the shared styling and fonts."""
