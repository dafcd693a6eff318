from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from barometre.accounts.models import Membership, SensitiveAction, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["structure"]


@admin.register(User)
class BarometreUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "structure"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "structure"]


@admin.register(SensitiveAction)
class SensitiveActionAdmin(admin.ModelAdmin):
    """Read-only: the journal is written by the platform, never by hand."""

    list_display = ["at", "kind", "target", "actor"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
