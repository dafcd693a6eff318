"""OpenID Connect login (ProConnect or another provider).

Accounts are matched by e-mail address. Roles are granted in the platform, never by the
provider, so by default only people already registered can log in this way.
"""

import functools

from django.conf import settings
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend


def only_when_enabled(view):
    """The provider's pages answer 404 while OpenID Connect is off (checked on each
    request, like the backend below, so that the setting alone decides)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("La connexion par un fournisseur d'identité n'est pas activée.")
        return view(request, *args, **kwargs)

    return wrapped


class RoleAwareOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def _names(self, claims) -> tuple[str, str]:
        first = claims.get("given_name", "")
        # ProConnect calls the family name "usual_name"; standard providers "family_name".
        last = claims.get("usual_name") or claims.get("family_name", "")
        return first[:150], last[:150]

    def create_user(self, claims):
        user = super().create_user(claims)
        user.first_name, user.last_name = self._names(claims)
        user.save(update_fields=["first_name", "last_name"])
        return user

    def update_user(self, user, claims):
        first, last = self._names(claims)
        if (first, last) != (user.first_name, user.last_name) and (first or last):
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        return user
