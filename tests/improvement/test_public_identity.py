"""The public pages of a structure, as its users see them on a phone: the structure's name
and logo in the header, choices large enough for a finger, a scale never cut in two."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from barometre.improvement.models import ImprovementProfile
from barometre.structures.models import Structure

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HEADER = re.compile(r'<p class="fr-header__service-title">\s*(.*?)\s*</p>', re.S)


def _pages(point, structure):
    ImprovementProfile.objects.create(structure=structure, publish_transparency=True)
    return [
        reverse("public:point", args=[point.token]),
        reverse("public:feedback", args=[point.token]),
        reverse("public:thanks", args=[point.token]),
        reverse("public:transparency", args=[structure.identifier]),
    ]


def test_the_structures_name_heads_its_public_pages(client, point, structure_a):
    for url in _pages(point, structure_a):
        html = client.get(url).text
        assert HEADER.search(html)[1] == "Préfecture du Loiret", url
        assert "Qualité de service, avec Baromètre" in html
        assert "barometre-operator-logo" not in html  # no logo given
    # Elsewhere, the platform's name.
    assert HEADER.search(client.get(reverse("home")).text)[1] == "Baromètre"


def test_a_structures_logo_is_shown_and_served_as_an_image(
    client, point, structure_a, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    structure_a.logo = SimpleUploadedFile("logo.PNG", PNG)
    structure_a.save()
    logo = reverse("public:logo", args=[structure_a.identifier])
    for url in _pages(point, structure_a):
        assert f'src="{logo}?v=' in client.get(url).text
    response = client.get(logo)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response.content == PNG
    # A structure without logo, or one whose file is not an image: nothing.
    assert client.get(reverse("public:logo", args=["00000000000000"])).status_code == 404
    Structure.objects.filter(pk=structure_a.pk).update(logo="logos/absent.png")
    (tmp_path / "logos" / "absent.png").write_bytes(b"<svg onload=alert(1)>")
    assert client.get(logo).status_code == 404


def test_a_logo_is_stored_under_a_generated_name_with_the_extension_of_its_type(
    client_for, operator, structure_a, settings, tmp_path
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    data = {
        "name": structure_a.name,
        "identifier": structure_a.identifier,
        "kind": "state",
        "department": "45",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "labels-TOTAL_FORMS": 0,
        "labels-INITIAL_FORMS": 0,
    }
    url = reverse("structures:edit", args=[structure_a.pk])
    polyglot = SimpleUploadedFile("poly.html", PNG)  # a PNG named as a page
    assert client_for(operator).post(url, {**data, "logo": polyglot}).status_code == 302
    structure_a.refresh_from_db()
    assert re.fullmatch(r"logos/[0-9a-f]{32}\.png", structure_a.logo.name)
    assert (tmp_path / structure_a.logo.name).read_bytes() == PNG
    assert not list(tmp_path.rglob("*.html"))


def test_a_logo_that_is_not_a_small_image_is_refused(client_for, operator, structure_a):
    url = reverse("structures:edit", args=[structure_a.pk])
    data = {
        "name": structure_a.name,
        "identifier": structure_a.identifier,
        "kind": "state",
        "department": "45",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "labels-TOTAL_FORMS": 0,
        "labels-INITIAL_FORMS": 0,
    }
    client = client_for(operator)
    svg = SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    html = client.post(url, {**data, "logo": svg}).text
    assert "Logo refusé : une image PNG, JPEG ou WebP est attendue." in html
    heavy = SimpleUploadedFile("logo.png", PNG + b"\x00" * 300_000)
    assert (
        "Logo trop lourd : 293 Ko pour 200 Ko au plus."
        in client.post(url, {**data, "logo": heavy}).text
    )
    structure_a.refresh_from_db()
    assert not structure_a.logo


def test_choices_are_large_boxes_and_a_long_scale_holds_on_two_rows(client, point):
    html = client.get(reverse("public:point", args=[point.token])).text
    scales = re.findall(r'<div class="fr-fieldset__element (barometre-choices[^"]*)">', html)
    # The 1–10 scales go on two rows of five on a phone (a column of ten made the survey
    # 7,300 px long); the yes/no filter questions stay on one row.
    assert "barometre-choices barometre-choices--per-row-5" in scales
    assert "barometre-choices barometre-choices--stacked" not in scales
    assert "barometre-choices" in scales
    assert 'class="barometre-public-form"' in html
    ten = re.search(r'name="item_courtesy"', html)
    assert ten and html.count('name="item_courtesy"') == 10
    feedback = client.get(reverse("public:feedback", args=[point.token])).text
    assert "barometre-choices barometre-choices--stacked" in feedback
    assert feedback.count('name="kind"') == 4
