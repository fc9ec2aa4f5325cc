"""Admin for products' option groups and their choices, written through orders.services.options."""

from django import forms
from django.contrib import admin, messages

from config.errors import ApplicationError
from orders import permissions
from orders.models import OptionChoice, OptionGroup, Product
from orders.services.options import (
    option_choice_check,
    option_choice_delete,
    option_choice_save,
    option_group_delete,
    option_group_save,
)


class _CatalogueEditors:
    """Options are part of the product: whoever may edit the catalogue may edit them."""

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(permissions.EDIT_CATALOGUE)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_product")


class OptionGroupInline(_CatalogueEditors, admin.TabularInline):
    """On the product: its groups; each group's choices are edited on the group's page."""

    model = OptionGroup
    extra = 0
    fields = ["name", "required", "position", "choice_names"]
    readonly_fields = ["choice_names"]
    show_change_link = True

    @admin.display(description="choices")
    def choice_names(self, group: OptionGroup) -> str:
        if group.pk is None:
            return "(save, then open the group to add its choices)"
        return ", ".join(
            f"{c.name} ({c.price_change:+})" if c.price_change else c.name
            for c in group.choices.all()
        )


def option_groups_formset_save(formset, *, product) -> None:
    """The product page's group inline, saved through the services."""
    formset.save(commit=False)
    for group in formset.deleted_objects:
        option_group_delete(group=group)
    for group in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
        group.product = product
        option_group_save(group=group)


class OptionChoiceForm(forms.ModelForm):
    class Meta:
        model = OptionChoice
        fields = ["name", "price_change", "position"]

    def clean(self):
        cleaned = super().clean()
        price_change = cleaned.get("price_change")
        if price_change is not None and self.instance.group_id:
            self.instance.price_change = price_change
            try:
                option_choice_check(choice=self.instance)
            except ApplicationError as error:
                self.add_error("price_change", error.message)
        return cleaned


class OptionChoiceInline(_CatalogueEditors, admin.TabularInline):
    model = OptionChoice
    form = OptionChoiceForm
    extra = 2
    fields = ["name", "price_change", "position"]


@admin.register(OptionGroup)
class OptionGroupAdmin(_CatalogueEditors, admin.ModelAdmin):
    list_display = ["name", "product", "required", "position"]
    list_select_related = ["product"]
    search_fields = ["name", "product__name", "product__sku"]
    autocomplete_fields = ["product"]
    fields = ["product", "name", "required", "position"]
    inlines = [OptionChoiceInline]

    def get_changeform_initial_data(self, request):
        """`?product=` fills in the product only when it names one: the autocomplete widget
        would look up anything else and fail with a 500."""
        initial = super().get_changeform_initial_data(request)
        wanted = str(initial.get("product", ""))
        known = (
            wanted.isascii()
            and wanted.isdigit()
            and len(wanted) < 10
            and Product.objects.filter(pk=int(wanted)).exists()
        )
        if not known:
            initial.pop("product", None)
        return initial

    def save_model(self, request, obj, form, change):
        option_group_save(group=obj)

    def delete_model(self, request, obj):
        option_group_delete(group=obj)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        try:
            for choice in formset.deleted_objects:
                option_choice_delete(choice=choice)
            for choice in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
                choice.group = form.instance
                option_choice_save(choice=choice)
        except ApplicationError as error:
            self.message_user(request, f"Not saved: {error.message}", messages.ERROR)
