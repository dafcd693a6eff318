from django.contrib.auth.decorators import login_not_required
from django.urls import path

from barometre.api import views
from barometre.api.api import api

# The API authenticates each operation itself (token or session, 401 in the API's error
# format); the site-wide login redirect must not apply to it.
_patterns, _app, _namespace = api.urls  # not "app_name": Django would read it as ours
for _pattern in _patterns:
    login_not_required(_pattern.callback)

urlpatterns = [
    path("v1/", (_patterns, _app, _namespace)),
    path("jetons/", views.tokens, name="api_tokens"),
]
