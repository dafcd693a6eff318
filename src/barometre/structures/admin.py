from django.contrib import admin

from barometre.structures.models import ContactPoint, Label, Structure


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    extra = 0


class LabelInline(admin.TabularInline):
    model = Label
    extra = 0


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "identifier", "kind", "department", "population"]
    list_filter = ["kind", "department"]
    search_fields = ["name", "identifier", "city"]
    autocomplete_fields = ["parent"]
    inlines = [ContactPointInline, LabelInline]
