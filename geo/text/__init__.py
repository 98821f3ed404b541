"""What people read: the string catalog, number formats, fonts, provenance."""
