from django_countries.serializers import CountryFieldMixin
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from accounts.models import ADDRESS_FIELDS, Address, User
from accounts.selectors import user_email_verified


class ProfileSerializer(serializers.ModelSerializer):
    email_verified = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    phone = PhoneNumberField(
        required=False, allow_blank=True, help_text="International (+44 20 7946 0000) or British."
    )

    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "email_verified", "roles", "date_joined"]
        read_only_fields = ["id", "email", "date_joined"]

    def get_email_verified(self, user) -> bool:
        return user_email_verified(user=user)

    def get_roles(self, user) -> list[str]:
        return sorted(group.name for group in user.groups.all())


class AddressSerializer(CountryFieldMixin, serializers.ModelSerializer):
    phone = PhoneNumberField(
        required=False, allow_blank=True, help_text="International (+44 20 7946 0000) or British."
    )

    class Meta:
        model = Address
        fields = ["id", *ADDRESS_FIELDS, "created_at"]
        read_only_fields = ["id", "created_at"]


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, help_text="The account's current password."
    )
