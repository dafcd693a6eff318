from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template import Context, Template

from barometre.core.templatetags.alerts import alert_kind


def test_a_message_shows_as_the_dsfr_alert_of_its_level():
    assert alert_kind("error") == "error"
    assert alert_kind("warning") == "warning"
    assert alert_kind("success") == "success"
    assert alert_kind("info") == "info"
    assert alert_kind("debug") == "info"
    # Extra tags make the tags more than a level: the alert is then a plain information.
    assert alert_kind("urgent error") == "info"


def test_the_filter_reads_the_tags_of_a_django_message():
    template = Template("{% load alerts %}fr-alert--{{ message.tags|alert_kind }}")
    message = Message(messages.WARNING, "Attention")
    assert template.render(Context({"message": message})) == "fr-alert--warning"
