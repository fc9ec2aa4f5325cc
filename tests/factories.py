"""factory_boy factories for every model the tests build."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A verified primary email by default (allauth's EmailAddress); verified=False for none."""
        if create and extracted is not False:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"primary": True, "verified": True}
            )


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Address"

    user = factory.SubFactory(UserFactory)
    label = "Home"
    recipient = factory.Faker("name")
    line1 = factory.Faker("street_address")
    city = factory.Faker("city")
    postcode = "SW1A 1AA"


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Category"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Product"

    category = factory.SubFactory(CategoryFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "Baked this morning."
    price = Decimal("2.50")
    tax_rate = Decimal("0.2000")
    stock = 50


class ProductImageFactory(factory.django.DjangoModelFactory):
    """A picture whose renditions are made; no file is stored (URLs need only the names)."""

    class Meta:
        model = "orders.ProductImage"

    product = factory.SubFactory(ProductFactory)
    image = factory.Sequence(lambda n: f"products/{n}.jpg")
    alt = factory.Sequence(lambda n: f"Picture {n}")
    position = 0
    width = 1200
    height = 900
    renditions_status = "ready"
    renditions = factory.LazyAttribute(
        lambda o: {str(w): f"{o.image.removesuffix('.jpg')}-{w}.webp" for w in (200, 400, 800)}
    )


class OptionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.OptionGroup"

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Option {n}")
    required = True


class OptionChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.OptionChoice"

    group = factory.SubFactory(OptionGroupFactory)
    name = factory.Sequence(lambda n: f"Choice {n}")
    price_change = Decimal("0.00")


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Cart"

    user = factory.SubFactory(UserFactory)


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.CartLine"

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1


# --- Slots, coupons and orders ------------------------------------------------


def _hours_from_now(hours: float):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(hours=hours)


def _two_hours_after(moment):
    from datetime import timedelta

    return moment + timedelta(hours=2)


class SlotFactory(factory.django.DjangoModelFactory):
    """A delivery slot a day or more ahead; pass kind="pickup", capacity=, starts_at= as needed."""

    class Meta:
        model = "orders.Slot"

    class Params:
        hours_ahead = factory.Sequence(lambda n: 24 + n)

    kind = "delivery"
    starts_at = factory.LazyAttribute(lambda o: _hours_from_now(o.hours_ahead))
    ends_at = factory.LazyAttribute(lambda o: _two_hours_after(o.starts_at))
    capacity = 10


class CouponFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "orders.Coupon"

    code = factory.Sequence(lambda n: f"SAVE{n}")
    kind = "percent"
    value = Decimal("10.00")
    max_uses = 100


def delivery_zone(*rules, **fields):
    """A delivery zone through the service, rules as patterns ("E1") or (pattern, include)."""
    from orders.services.delivery import delivery_zone_create

    fields.setdefault("name", "Zone")
    fields.setdefault("country", "GB")
    fields.setdefault("fee", Decimal("3.00"))
    return delivery_zone_create(
        rules=[
            {"pattern": rule, "include": True}
            if isinstance(rule, str)
            else {"pattern": rule[0], "include": rule[1]}
            for rule in rules
        ],
        **fields,
    )


class OrderFactory(factory.django.DjangoModelFactory):
    """An order row only: stock and slot places are not touched (place_order() does that)."""

    class Meta:
        model = "orders.Order"

    number = factory.Sequence(lambda n: f"ORD-2026-{900000 + n:06d}")
    user = factory.SubFactory(UserFactory)
    slot = factory.SubFactory(SlotFactory)
    kind = factory.SelfAttribute("slot.kind")
    subtotal = Decimal("10.00")
    tax = Decimal("2.00")
    delivery_fee = Decimal("4.50")
    total = Decimal("16.50")
    prices_include_tax = False  # 10.00 + 2.00 tax on top + 4.50
    currency = "GBP"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A test sets up an order's state and money as the services would have left it."""
        from orders.models.orders import order_door

        with order_door():
            return super()._create(model_class, *args, **kwargs)


def place_order(*, user=None, products=None, slot=None, quantity=1, address=None, **kwargs):
    """Fill the user's cart and check out through the real service; return the new order.

    `products` defaults to one new product, `slot` to a pickup slot; a delivery slot gets
    a new address of the user unless `address` is given. Other kwargs go to checkout_place.
    """
    from uuid import uuid4

    from orders.models import Cart
    from orders.services.checkout import checkout_place

    user = user or UserFactory()
    products = products if products is not None else [ProductFactory()]
    slot = slot or SlotFactory(kind="pickup")
    cart, _ = Cart.objects.get_or_create(user=user)
    for product in products:
        CartLineFactory(cart=cart, product=product, quantity=quantity)
    if address is None and slot.kind == "delivery":
        address = AddressFactory(user=user)
    kwargs.setdefault("idempotency_key", uuid4().hex)
    order, _ = checkout_place(
        user=user, slot_id=slot.pk, address_id=address.pk if address else None, **kwargs
    )
    return order


def fulfilment_staff(**kwargs):
    """A staff member who may see every order and move orders through fulfilment."""
    from django.contrib.auth.models import Permission

    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="orders", codename__in=["fulfil_order", "view_order"]
        )
    )
    return type(user).objects.get(pk=user.pk)
