"""The home page: each role's own home once logged in, the public home for visitors."""

import datetime

import time_machine
from django.urls import reverse

from barometre.structures.models import Label


@time_machine.travel(datetime.datetime(2025, 11, 30, 12, tzinfo=datetime.UTC))
def test_an_expired_label_is_shown_as_expired_not_as_to_renew(client_for, manager_a, structure_a):
    Label.objects.create(
        structure=structure_a,
        kind="marianne",
        obtained_on=datetime.date(2022, 6, 15),
        expires_on=datetime.date(2025, 6, 15),
    )
    Label.objects.create(
        structure=structure_a,
        kind="qualepref",
        obtained_on=datetime.date(2023, 3, 1),
        expires_on=datetime.date(2026, 3, 1),
    )
    client = client_for(manager_a)
    html = client.get(reverse("home")).text
    expired, to_renew = html.split("Labels à renouveler dans l'année")
    assert "Labels expirés" in expired
    assert "Marianne, <strong>expiré depuis le 15/06/2025</strong>" in expired
    assert "15/06/2025" not in to_renew
    assert "Qual-e-pref, valable jusqu'au 01/03/2026" in to_renew
    detail = client.get(reverse("structures:detail", args=[structure_a.pk])).text
    assert "expiré depuis le 15/06/2025" in detail
    assert "valable jusqu'au 01/03/2026" in detail
