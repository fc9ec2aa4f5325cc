from django_countries.serializer_fields import CountryField
from django_countries.serializers import CountryFieldMixin
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from accounts.models import ADDRESS_FIELDS, Address, User
from accounts.selectors import user_email_verified
from config.serializers import ModelSerializer, TextField


class ProfileSerializer(ModelSerializer):
    email_verified = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    phone = PhoneNumberField(
        required=False, allow_blank=True, help_text="International (+44 20 7946 0000) or British."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "name",
            "phone",
            "language",
            "email_verified",
            "roles",
            "date_joined",
        ]
        read_only_fields = ["id", "email", "date_joined"]

    def get_email_verified(self, user) -> bool:
        return user_email_verified(user=user)

    def get_roles(self, user) -> list[str]:
        return sorted(group.name for group in user.groups.all())


class CountryCodeField(CountryField):
    """django-countries' field, refusing as an unknown country what it cannot read at all: it
    takes any digits for a numeric code, and int() fails on a superscript "²"."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except ValueError:
            self.fail("invalid_choice", input=data)


class AddressSerializer(CountryFieldMixin, ModelSerializer):
    phone = PhoneNumberField(
        required=False, allow_blank=True, help_text="International (+44 20 7946 0000) or British."
    )

    class Meta:
        model = Address
        fields = ["id", *ADDRESS_FIELDS, "created_at"]
        read_only_fields = ["id", "created_at"]

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        if field_class is CountryField:
            field_class = CountryCodeField
        return field_class, field_kwargs


class PasswordSerializer(serializers.Serializer):
    password = TextField(
        write_only=True, trim_whitespace=False, help_text="The account's current password."
    )
