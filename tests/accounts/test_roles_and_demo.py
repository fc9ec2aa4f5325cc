import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS, roles_sync
from accounts.services import user_role_assign
from orders import permissions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _perms(group: Group) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_the_roles_exist_with_their_permissions_after_migrate():
    groups = {group.name: group for group in Group.objects.all()}
    assert {"customer", "staff", "manager"} <= set(groups)
    assert _perms(groups["customer"]) == set()
    # Every listed permission whose model exists is granted, and nothing more.
    for role in ("staff", "manager"):
        granted = _perms(groups[role])
        assert granted <= set(ROLE_PERMISSIONS[role])
        assert {"orders.view_order", "orders.fulfil_order"} <= granted
    assert {"orders.refund_order", "orders.view_sales_dashboard", "accounts.view_user"} <= _perms(
        groups["manager"]
    )
    assert "orders.refund_order" not in _perms(groups["staff"])


def test_roles_sync_is_idempotent_and_repairs_a_missing_permission():
    manager = Group.objects.get(name="manager")
    before = _perms(manager)
    manager.permissions.clear()
    roles_sync()
    roles_sync()
    assert _perms(manager) == before
    assert Group.objects.filter(name="manager").count() == 1


def test_permission_checks_follow_the_role():
    customer, staff, manager = UserFactory(), UserFactory(), UserFactory()
    user_role_assign(user=customer, role="customer")
    user_role_assign(user=staff, role="staff")
    user_role_assign(user=manager, role="manager")
    assert not customer.has_perm("orders.view_order")
    assert staff.has_perm("orders.fulfil_order")
    assert not staff.has_perm("orders.refund_order")
    assert manager.has_perm("orders.refund_order")
    assert manager.has_perm("orders.change_product")


def test_seed_demo_creates_one_verified_user_per_role_and_prints_the_logins(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out

    for role in ("customer", "staff", "manager"):
        email = f"{role}@orderly.local"
        assert f"{email} / orderly-demo" in out
        user = User.objects.get(email=email)
        assert user.check_password("orderly-demo")
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff is (role != "customer")
        assert EmailAddress.objects.get(user=user).verified
    assert User.objects.filter(email__endswith="@orderly.local").count() == 3


def test_every_permission_the_roles_grant_exists_and_every_orders_permission_is_granted():
    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    }
    granted = {name for names in ROLE_PERMISSIONS.values() for name in names}
    assert granted - existing == set()
    assert {permissions.VIEW, permissions.FULFIL, permissions.REFUND, permissions.DASHBOARD} <= (
        granted
    )
