"""geo: the spatial core of the service-coverage atlas (no Streamlit here).

Load a dataset folder with :func:`geo.load.load_dataset`, compute the per-township table with
:func:`geo.summary.summarize`, or run ``python -m geo --help``.
"""
