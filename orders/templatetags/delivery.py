"""{% delivery_box %}: the "Do you deliver to me?" box of the catalogue and cart pages."""

from django import template
from django_countries import countries

from accounts.validators import POSTCODE_COUNTRIES

register = template.Library()


def postcode_country_choices() -> list[tuple[str, str]]:
    return [(code, countries.name(code)) for code in POSTCODE_COUNTRIES]


@register.inclusion_tag("orders/_delivery_box.html")
def delivery_box(postcode: str = "", country: str = "", result=None, error: str = ""):
    """The box, with the answer to the postcode asked (`result`: a DeliveryQuote) or why
    it could not be read (`error`)."""
    return {
        "postcode": postcode,
        "country": country or POSTCODE_COUNTRIES[0],
        "countries": postcode_country_choices(),
        "result": result,
        "error": error,
    }
