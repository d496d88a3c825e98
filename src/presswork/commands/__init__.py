"""The commands behind the CLI: thin drivers that call the stages and report."""
