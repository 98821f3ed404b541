"""Single sign-on: which atlas role an office's identity provider gives a person.

Streamlit's own OpenID Connect login (``st.login``, the ``[auth]`` section of
``.streamlit/secrets.toml``) proves who someone is; the ``[atlas_sso]`` section says which
claim of the ID token carries their groups or roles, which claim values make an admin, a
planner or a viewer, and what a person whose values match none of them gets::

    [atlas_sso]
    role_claim = "groups"              # a dotted path reaches nested claims: realm_access.roles
    admin = ["atlas-admins"]
    planner = ["atlas-planners"]
    viewer = ["atlas-viewers"]
    default = "none"                   # "none" refuses them; "viewer" lets them look
    name_claim = "preferred_username"  # the account name in the store (email, sub if absent)

The strongest matching role wins. Everything here is pure: the store records the login
(:func:`geo.io.store.sso.record_login`), the dashboard shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from geo.io.store.roles import ROLES

__all__ = ["RoleMapping", "SsoConfigError", "claim_values", "role_mapping"]

STRONGEST_FIRST: Final = tuple(reversed(ROLES))
SECTION: Final = "atlas_sso"
_DEFAULTS: Final = ("none", "viewer")
_FALLBACK_NAMES: Final = ("preferred_username", "email", "sub")
_KEYS: Final = {"role_claim", "name_claim", "default", *ROLES}


class SsoConfigError(ValueError):
    """The ``[atlas_sso]`` section cannot be used; :meth:`message` says why in zh or en."""

    def __init__(self, reason: str, /, **params: object) -> None:
        self.reason = reason
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """The problem as one sentence in ``lang``."""
        from geo.text.i18n import t

        return t(f"sso.error.{self.reason}", lang, **self.params)


@dataclass(frozen=True)
class RoleMapping:
    """Which claim values give which role; see the module documentation."""

    role_claim: str
    admin: frozenset[str] = frozenset()
    planner: frozenset[str] = frozenset()
    viewer: frozenset[str] = frozenset()
    default: str | None = None  # the role when no value matches; None refuses the person
    name_claim: str = "preferred_username"

    def role(self, claims: Mapping[str, object]) -> str | None:
        """The strongest role the claims give, else the default (None: refused).

        >>> mapping = RoleMapping("groups", admin=frozenset({"it"}), planner=frozenset({"plan"}))
        >>> mapping.role({"groups": ["staff", "plan", "it"]})
        'admin'
        >>> mapping.role({"groups": ["staff"]}) is None
        True
        """
        values = claim_values(claims, self.role_claim)
        for role in STRONGEST_FIRST:
            if values & getattr(self, role):
                return role
        return self.default

    def name(self, claims: Mapping[str, object]) -> str | None:
        """The account name: the ``name_claim``, else preferred_username, email, sub.

        >>> RoleMapping("groups", name_claim="email").name({"sub": "42", "email": "li@x.cn"})
        'li@x.cn'
        >>> RoleMapping("groups", name_claim="upn").name({"sub": "42"})
        '42'
        """
        for key in (self.name_claim, *_FALLBACK_NAMES):
            value = claims.get(key)
            if isinstance(value, str | int) and str(value).strip():
                return str(value).strip()
        return None

    def values(self, claims: Mapping[str, object]) -> list[str]:
        """The role claim's values, sorted (for the audit log)."""
        return sorted(claim_values(claims, self.role_claim))


def claim_values(claims: Mapping[str, object], path: str) -> frozenset[str]:
    """The values of claim ``path`` (dots step into nested objects) as a set of strings.

    A list gives its items, a single string itself, anything missing nothing.

    >>> sorted(claim_values({"realm_access": {"roles": ["a", "b"]}}, "realm_access.roles"))
    ['a', 'b']
    >>> claim_values({"role": "planner"}, "role")
    frozenset({'planner'})
    >>> claim_values({}, "groups")
    frozenset()
    """
    value: object = claims
    for step in path.split("."):
        if not isinstance(value, Mapping) or step not in value:
            return frozenset()
        value = value[step]
    if isinstance(value, str | int):
        return frozenset({str(value)})
    if isinstance(value, list | tuple):
        return frozenset(str(item) for item in value if isinstance(item, str | int))
    return frozenset()


def role_mapping(section: Mapping[str, object]) -> RoleMapping:
    """Read the ``[atlas_sso]`` section of the secrets.

    Raises
    ------
    SsoConfigError
        ``no_claim`` (role_claim missing), ``unknown_key``, ``bad_values`` (a role's values
        are not a list of strings), ``bad_default`` (not "none" or "viewer"), ``no_roles``
        (no value gives any role while the default refuses everyone).

    Examples
    --------
    >>> mapping = role_mapping({"role_claim": "groups", "planner": ["plan"], "default": "viewer"})
    >>> mapping.role({"groups": "plan"}), mapping.role({"groups": "other"})
    ('planner', 'viewer')
    """
    unknown = sorted(set(section) - _KEYS)
    if unknown:
        raise SsoConfigError("unknown_key", keys=", ".join(unknown), known=", ".join(sorted(_KEYS)))
    claim = section.get("role_claim")
    if not isinstance(claim, str) or not claim.strip():
        raise SsoConfigError("no_claim")
    default = section.get("default", "none")
    if default not in _DEFAULTS:
        raise SsoConfigError("bad_default", value=default)
    values = {role: _role_values(section, role) for role in ROLES}
    if default == "none" and not any(values.values()):
        raise SsoConfigError("no_roles")
    name_claim = section.get("name_claim", "preferred_username")
    return RoleMapping(
        role_claim=claim.strip(),
        admin=values["admin"],
        planner=values["planner"],
        viewer=values["viewer"],
        default=None if default == "none" else str(default),
        name_claim=str(name_claim),
    )


def _role_values(section: Mapping[str, object], role: str) -> frozenset[str]:
    raw = section.get(role, [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
        raise SsoConfigError("bad_values", role=role)
    return frozenset(v.strip() for v in raw if v.strip())
