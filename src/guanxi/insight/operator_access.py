"""Who may read the operator's insight: the accounts the `operators` setting names."""

from __future__ import annotations

from guanxi.accounts.models import Principal
from guanxi.errors import Forbidden
from guanxi.settings import Settings


def operator_handles(settings: Settings) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in settings.operators.split(",") if h.strip())


def access_operator(principal: Principal, settings: Settings) -> None:
    """Forbidden (403 `not_operator`) unless the caller's handle is an operator's."""
    user = principal.user
    if user.is_placeholder or user.handle not in operator_handles(settings):
        raise Forbidden("Only the community's operators read its insight.", "not_operator")
