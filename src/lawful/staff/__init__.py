"""Staff accounts with roles (R-84), second-factor login (R-85) and scoped API keys."""

from .errors import (
    AccessReviewDue,
    GrantRefused,
    InvalidCredentials,
    LoginFailed,
    StaffExists,
    StaffNotFound,
    WeakPassword,
)
from .grants import access_review, as_csv, roles_in_force
from .grants import due as grants_due
from .grants import review as review_grant
from .login import LoginResult, log_in
from .models import ApiKey, LoginAttempt, StaffGrant, StaffSession, StaffUser
from .refusals import refused
from .rules import PERMISSIONS, ROLE_PERMISSIONS, GrantState, LoginLimits, Role, permissions_for
from .service import (
    NewStaff,
    actor_for,
    actor_for_api_key,
    actor_for_email,
    actor_for_session,
    add,
    create_api_key,
    current_totp,
    find_by_email,
    get,
    grant,
    list_staff,
    log_out,
    revoke,
    revoke_api_key,
)

__all__ = [
    "PERMISSIONS",
    "ROLE_PERMISSIONS",
    "AccessReviewDue",
    "ApiKey",
    "GrantRefused",
    "GrantState",
    "InvalidCredentials",
    "LoginAttempt",
    "LoginFailed",
    "LoginLimits",
    "LoginResult",
    "NewStaff",
    "Role",
    "StaffExists",
    "StaffGrant",
    "StaffNotFound",
    "StaffSession",
    "StaffUser",
    "WeakPassword",
    "access_review",
    "actor_for",
    "actor_for_api_key",
    "actor_for_email",
    "actor_for_session",
    "add",
    "as_csv",
    "create_api_key",
    "current_totp",
    "find_by_email",
    "get",
    "grant",
    "grants_due",
    "list_staff",
    "log_in",
    "log_out",
    "permissions_for",
    "refused",
    "review_grant",
    "revoke",
    "revoke_api_key",
    "roles_in_force",
]
