"""The shape of the personal-data export (GET /api/v1/me/export/), one serializer per section.

Other apps add their sections through accounts.signals.user_data_export.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from rest_framework import serializers

from accounts.models import ADDRESS_FIELDS, Address, User


class ExportProfileSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "date_joined", "last_login", "roles"]

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.groups.values_list("name", flat=True))


class ExportEmailAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = EmailAddress
        fields = ["email", "verified", "primary"]


class ExportAddressSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = ["id", *ADDRESS_FIELDS]


class ExportAuthenticatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Authenticator
        fields = ["type", "created_at"]


class ExportSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = UserSession
        fields = ["ip", "user_agent", "created_at", "last_seen_at"]
