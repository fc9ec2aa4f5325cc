from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from accounts.validators import postcode_clean
from config.validators import single_line


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an email address; there is no username."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    name = models.CharField(max_length=150, blank=True, validators=[single_line])
    phone = PhoneNumberField(blank=True)
    # The pages after sign-in, and every email and notification sent to them later, are in
    # this language (set at sign-up from the page's, changed with the switcher or profile).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        indexes = [
            # Guest checkout finds the account of an email in any case (email__iexact).
            models.Index(Upper("email"), name="user_email_upper"),
        ]

    def __str__(self):
        return self.email

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email


MAX_ADDRESSES = 10
# What a customer may write on their profile and on an address (forms, API, services).
PROFILE_FIELDS = ("name", "phone", "language")
ADDRESS_FIELDS = (
    "label",
    "recipient",
    "line1",
    "line2",
    "city",
    "postcode",
    "country",
    "phone",
    "instructions",
)


class Address(models.Model):
    """A delivery address the user saved. At most MAX_ADDRESSES per user (accounts.services)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(
        max_length=50, blank=True, help_text="Home, Work, ...", validators=[single_line]
    )
    recipient = models.CharField(max_length=150, validators=[single_line])
    line1 = models.CharField("address line 1", max_length=200, validators=[single_line])
    line2 = models.CharField("address line 2", max_length=200, blank=True, validators=[single_line])
    city = models.CharField(max_length=100, validators=[single_line])
    postcode = models.CharField(max_length=16, validators=[single_line])
    country = CountryField(default="GB")
    phone = PhoneNumberField(blank=True)
    instructions = models.CharField(
        max_length=300, blank=True, help_text="For the driver.", validators=[single_line]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "addresses"

    def __str__(self):
        return ", ".join(part for part in (self.line1, self.city, self.postcode) if part)

    def clean(self):
        """The postcode follows the country's format, and is stored written that way."""
        if self.postcode and self.country:
            try:
                self.postcode = postcode_clean(self.postcode, self.country.code)
            except ValidationError as error:
                raise ValidationError({"postcode": error.messages}) from error

    def as_text(self) -> str:
        """The address as printed on an order (copied there, so later edits leave it alone)."""
        lines = [
            self.recipient,
            self.line1,
            self.line2,
            f"{self.city} {self.postcode}",
            self.country.name,
        ]
        return "\n".join(line for line in lines if line)
