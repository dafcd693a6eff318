"""The register across the network, for operators: counts per département, never an
entry (operators do not read a structure's register)."""

from django.core.cache import cache
from django.shortcuts import render
from django.utils import timezone

from barometre.accounts.access import require_operator
from barometre.core.navigation import crumbs
from barometre.improvement import network

# The indicator reads every register entry of the year (0.1 s for 500,000 entries on an
# idle machine, bench-national): computed at most once per year shown and per five
# minutes, and the page says when. An entry answered since shows at the next computation.
NETWORK_CACHE_SECONDS = 300


def network_register(request):
    require_operator(request.user)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("annee", this_year - 1))
    except ValueError:
        year = this_year - 1
    years = list(range(this_year, this_year - 6, -1))
    # A year outside the selector shows the nearest one the selector offers.
    year = min(max(year, years[-1]), years[0])
    key = f"network-register:{year}"
    cached = cache.get(key)
    if cached is None:
        cached = (network.on_time_by_department(year), timezone.now())
        cache.set(key, cached, NETWORK_CACHE_SECONDS)
    rows, computed_at = cached
    return render(
        request,
        "improvement/network.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "total": network.network_total(rows),
            "computed_at": computed_at,
            "cache_minutes": NETWORK_CACHE_SECONDS // 60,
            **crumbs(f"Registres du réseau en {year}", nav="network"),
        },
    )
