from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from barometre.accounts.models import Membership, User


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
