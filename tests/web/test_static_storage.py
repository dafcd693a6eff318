"""Production static files: hashed addresses from the manifest, worked out once."""

import json

import pytest

from barometre.web.storage import StaticStorage


def test_hashed_addresses_are_read_from_the_manifest_once(tmp_path, monkeypatch):
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"version": "1.1", "paths": {"barometre/app.css": "barometre/app.0123abcd.css"}})
    )
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    assert storage.url("barometre/app.css") == "/static/barometre/app.0123abcd.css"
    lookups = []
    original = StaticStorage.stored_name

    def stored_name(self, name):
        lookups.append(name)
        return original(self, name)

    monkeypatch.setattr(StaticStorage, "stored_name", stored_name)
    assert storage.url("barometre/app.css") == "/static/barometre/app.0123abcd.css"
    assert lookups == []  # remembered
    # A file missing from the manifest is still an error, every time (nothing remembered).
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("absent.css")
