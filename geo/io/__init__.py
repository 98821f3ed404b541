"""Files -> :class:`~geo.dataset.Dataset`: the read path (readers, checks, datums, uploads)."""
