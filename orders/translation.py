"""Which catalogue texts are translated (django-modeltranslation, docs/decisions/0008):
name_en/name_de and description_en/description_de beside the English original, the
active language read first and English when it is empty."""

from modeltranslation.translator import TranslationOptions, register

from orders.models import Category, Product


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "description")
