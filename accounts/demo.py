"""Demo accounts for `manage.py seed_demo`."""

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import CUSTOMER, MANAGER, STAFF
from accounts.services import user_role_assign

DEMO_PASSWORD = "orderly-demo"
DEMO_USERS = (
    # email, name, role, is_staff
    ("customer@orderly.local", "Casey Customer", CUSTOMER, False),
    ("staff@orderly.local", "Sam Staff", STAFF, True),
    ("manager@orderly.local", "Morgan Manager", MANAGER, True),
)


def seed_users() -> list[str]:
    """Create the demo users (idempotent) and return their logins, one line each."""
    lines = []
    for email, name, role, is_staff in DEMO_USERS:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.name = name
        user.is_staff = is_staff
        user.is_active = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user_role_assign(user=user, role=role)
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        lines.append(f"{role:<9} {email} / {DEMO_PASSWORD}")
    return lines
