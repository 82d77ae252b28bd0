"""Every write on people, organisations, memberships and API tokens, one module per aggregate.
Import them from here. Staff writes are audited."""

from civicdata.accounts.services.memberships import invite_member, remove_membership, set_membership
from civicdata.accounts.services.organizations import create_organization
from civicdata.accounts.services.people import set_language, update_profile
from civicdata.accounts.services.tokens import authenticate_token, issue_api_token, revoke_api_token

__all__ = [
    "authenticate_token",
    "create_organization",
    "invite_member",
    "issue_api_token",
    "remove_membership",
    "revoke_api_token",
    "set_language",
    "set_membership",
    "update_profile",
]
