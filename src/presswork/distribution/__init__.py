"""Distribution: the bundle a distributor uploads (store files, covers, ONIX, accessibility report)."""
