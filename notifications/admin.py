"""Admin for notifications and their email deliveries (a read-only record for staff);
managers' webhook endpoints with their delivery log, every write through a service; and
the scheduled jobs (django-celery-beat's), which managers may read but not change or run."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask

from config.errors import ApplicationError
from notifications.models import (
    Delivery,
    Notification,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from notifications.webhooks import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_test_send,
    webhook_url_check,
)

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


LOG_ROWS = 20


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        max_length=500, assume_scheme="https", widget=forms.URLInput(attrs={"size": 70})
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            webhook_url_check(url=url)
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "active", "paused_at", "consecutive_failures", "created_at"]
    list_filter = ["active"]
    readonly_fields = ["paused_at", "consecutive_failures", "created_at", "delivery_log"]
    actions = ["send_test_event", "rotate_secret"]

    @admin.display(description="Delivery log")
    def delivery_log(self, obj):
        if obj.pk is None:
            return "-"
        recent = obj.deliveries.order_by("-created_at", "-pk")[:LOG_ROWS]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    localtime(d.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    d.event_type,
                    d.get_status_display(),
                    d.attempts,
                    d.last_status_code or "-",
                    d.last_error or "",
                )
                for d in recent
            ),
        )
        url = reverse("admin:notifications_webhookdelivery_changelist")
        return format_html(
            "<table><tr><th>created</th><th>event</th><th>status</th><th>attempts</th>"
            "<th>last code</th><th>last error</th></tr>{}</table>"
            '<p><a href="{}?endpoint__id__exact={}">All deliveries (send again from there)</a></p>',
            rows,
            url,
            obj.pk,
        )

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("url", "events", "active")}
        if change:
            webhook_endpoint_update(endpoint=obj, **data)
            return
        endpoint = webhook_endpoint_create(**data)
        obj.pk, obj.secret, obj.created_at = endpoint.pk, endpoint.secret, endpoint.created_at
        self._show_secret(request, endpoint)

    def _show_secret(self, request, endpoint):
        self.message_user(
            request,
            f"The signing secret of {endpoint.url} is {endpoint.secret} . Copy it now: it is "
            "not shown again.",
            messages.WARNING,
        )

    @admin.action(description="Send a test event", permissions=["change"])
    def send_test_event(self, request, queryset):
        for endpoint in queryset:
            webhook_test_send(endpoint=endpoint)
        self.message_user(request, f"Queued a test event to {queryset.count()} endpoint(s).")

    @admin.action(description="Rotate the signing secret", permissions=["change"])
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            self._show_secret(request, webhook_endpoint_rotate_secret(endpoint=endpoint))


class WebhookAttemptInline(admin.TabularInline):
    """Every attempt at a delivery, read-only: its answer, or the error, and the time taken."""

    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["attempted_at", "status_code", "duration_ms", "error", "response_excerpt"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "created_at",
    ]
    list_filter = ["status", "event_type", "endpoint"]
    search_fields = ["event_id", "endpoint__url"]
    date_hierarchy = "created_at"
    list_select_related = ["endpoint"]
    inlines = [WebhookAttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_send_again_permission(self, request):
        return request.user.has_perm("notifications.change_webhookendpoint")

    @admin.action(description="Send again", permissions=["send_again"])
    def send_again(self, request, queryset):
        queued = sum(webhook_delivery_resend(delivery=delivery) for delivery in queryset)
        self.message_user(request, f"Queued {queued} delivery(ies) to send again.")
