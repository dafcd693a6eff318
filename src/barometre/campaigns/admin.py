from django.contrib import admin

from barometre.campaigns.models import (
    AuditorProfile,
    AuditTask,
    CategoryRule,
    Edition,
    EditionTransition,
    Enrolment,
    GridVersion,
    Scenario,
    ScenarioAttachment,
)


@admin.register(GridVersion)
class GridVersionAdmin(admin.ModelAdmin):
    list_display = ["grid_id", "version", "frozen_at"]


class CategoryRuleInline(admin.TabularInline):
    model = CategoryRule
    extra = 0


class TransitionInline(admin.TabularInline):
    model = EditionTransition
    extra = 0
    readonly_fields = ["source", "target", "by", "at"]
    can_delete = False


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "status", "grid"]
    readonly_fields = ["status"]
    inlines = [CategoryRuleInline, TransitionInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["structure", "edition", "status", "category", "publish_results"]
    list_filter = ["edition", "status"]


class ScenarioAttachmentInline(admin.TabularInline):
    model = ScenarioAttachment
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "active"]
    inlines = [ScenarioAttachmentInline]


@admin.register(AuditorProfile)
class AuditorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "weekly_capacity", "commune"]
    filter_horizontal = ["conflicts"]


@admin.register(AuditTask)
class AuditTaskAdmin(admin.ModelAdmin):
    list_display = ["structure", "channel", "sequence", "scheduled_at", "auditor", "status"]
    list_filter = ["edition", "channel", "status"]
