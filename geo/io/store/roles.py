"""The three roles, ordered: each may do what the one before it may, and more.

``viewer`` sees the published version; ``planner`` adds and publishes versions and sees full
detail; ``admin`` also rolls back, archives and manages accounts.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ROLES", "allows"]

ROLES: Final = ("viewer", "planner", "admin")


def allows(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may (viewer < planner < admin).

    >>> allows("admin", "planner"), allows("viewer", "planner"), allows("planner", "planner")
    (True, False, True)
    """
    return ROLES.index(role) >= ROLES.index(needed)
