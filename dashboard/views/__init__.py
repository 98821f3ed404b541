"""One module per page; each has a ``render()`` that st.navigation runs.

(Not named ``pages``: Streamlit treats a ``pages/`` folder next to the main script as the old
multi-page layout, which confuses st.navigation on reruns.)
"""
