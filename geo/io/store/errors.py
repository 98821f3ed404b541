"""Why a store cannot do what was asked, told in the user's language (zh first, en too)."""

from __future__ import annotations

__all__ = ["PublishConflictError", "StoreError"]


class StoreError(Exception):
    """A store problem a person can act on; :meth:`message` tells it in ``"zh"`` or ``"en"``.

    Parameters
    ----------
    reason
        ``"not_store"``, ``"newer"``, ``"unreachable"``, ... (catalog key ``store.error.<reason>``).
    params
        Values substituted into the message.
    """

    def __init__(self, reason: str, /, **params: object) -> None:
        self.reason = reason
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The problem as one sentence in ``lang``."""
        from geo.text.i18n import t

        return t(f"store.error.{self.reason}", lang, **self.params)


class PublishConflictError(StoreError):
    """Someone else published a version of the same dataset after this caller looked."""

    def __init__(self, *, dataset: str, current: int, by: str, at: str) -> None:
        super().__init__("conflict", dataset=dataset, current=current, by=by, at=at)
        self.current = current
