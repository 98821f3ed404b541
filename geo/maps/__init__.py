"""Leaflet maps with offline assets, for the dashboard and the HTML export."""
