"""The API's pages: DRF's page numbers, held to what the schema says a page is."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

# More pages than any list here will have; keeps a huge number from the paginator's maths.
MAX_PAGE = 10**6


class PageNumberPagination(pagination.PageNumberPagination):
    """`page` is a whole number from 1: DRF also takes an empty `page=` for the first page and
    "last" for the last, which the schema (an integer) does not offer; those are a 400 naming
    `page`. A page after the last is still a 404."""

    last_page_strings = ()

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        digits = value.isascii() and value.isdigit() and len(value) <= len(str(MAX_PAGE))
        if not (digits and 1 <= int(value) <= MAX_PAGE):
            message = f"Give a whole number from 1 to {MAX_PAGE}."
            raise ValidationError({self.page_query_param: [message]})
        return int(value)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
        return parameters
