"""Personal API tokens: issuing, revoking and checking them. Only a hash of each token is stored."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from civicdata.accounts import permissions
from civicdata.accounts.models import ApiToken, User, hash_token
from civicdata.core.audit import record_write

TOKEN_PREFIX = "cd_"  # noqa: S105  (a public marker, not a secret)


def issue_api_token(user: User, *, name: str, days: int | None = 365) -> tuple[ApiToken, str]:
    """Create a personal API token; returns the record and the raw token, which is shown only once."""
    permissions.ensure_signed_in(user)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "token",
        prefix=raw[:10],
        key_hash=hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    record_write(actor=user, action="issue_api_token", target=token, after={"name": token.name})
    return token, raw


def revoke_api_token(token: ApiToken, *, by: User) -> ApiToken:
    """Revoke a token. Precondition: the token's owner or site staff."""
    if token.user_id != by.pk:
        permissions.ensure_site_staff(by)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_write(actor=by, action="revoke_api_token", target=token)
    return token


def authenticate_token(raw: str) -> User | None:
    """The active person behind a raw token, or None; records when the token was last used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
