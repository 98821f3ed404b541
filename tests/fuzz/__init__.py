"""A seeded mutation fuzzer for dataset folders (see ``tests/fuzz/fuzz.py``)."""
