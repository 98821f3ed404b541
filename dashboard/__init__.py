"""The Streamlit dashboard: pages that arrange widgets over the geo/ core."""
