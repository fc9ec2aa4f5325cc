"""The "Do you deliver to me?" page: the box's answer without JavaScript, and with htmx
the box alone, swapped in place on the catalogue and cart pages."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from config.errors import ApplicationError
from config.pages import business_errors
from orders.services.delivery import delivery_check


def _reply(request, *, postcode: str = "", country: str = "", result=None, error: str = ""):
    context = {"postcode": postcode, "country": country, "result": result, "error": error}
    if request.headers.get("HX-Request") == "true":
        # htmx swaps only 2xx replies: a postcode it cannot read is answered in the box.
        response = render(request, "orders/_delivery_box_reply.html", context)
    else:
        response = render(
            request, "orders/delivery_check.html", context, status=400 if error else 200
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _refused(request, error: ApplicationError):
    return _reply(
        request,
        postcode=request.GET.get("postcode", "")[:16],
        country=request.GET.get("country", "")[:2],
        error=error.message,
    )


@require_GET
@business_errors(fallback="home", reply=_refused)
def delivery_check_page(request):
    postcode = request.GET.get("postcode", "")[:16]
    country = request.GET.get("country", "")[:2]
    if not postcode.strip():
        return _reply(request, country=country)
    written, quote = delivery_check(postcode=postcode, country=country)
    return _reply(request, postcode=written, country=country, result=quote)
