"""Admin for notifications and their email deliveries: a read-only record for staff; and
the scheduled jobs (django-celery-beat's), which managers may read but not change or run."""

from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from notifications.models import Delivery, Notification

admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class ScheduledJobAdmin(PeriodicTaskAdmin):
    """django-celery-beat's admin, whose actions (enable, disable, run now) declare no
    permission: only those who may change a job get them."""

    def get_actions(self, request):
        return super().get_actions(request) if self.has_change_permission(request) else {}


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["to", "status", "attempts", "last_error", "next_attempt_at", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "recipient", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "recipient__email"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "to", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "notification__title"]
    date_hierarchy = "created_at"
    list_select_related = ["notification"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
