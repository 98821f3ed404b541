"""Report-ready exports: static maps, the briefing pack PDF, tables and a standalone HTML map."""
