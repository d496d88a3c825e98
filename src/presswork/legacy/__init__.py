"""Importing legacy plain-text exports into a clean manuscript (`presswork import legacy-text`)."""
