"""The register across the network, for operators: counts per département, never an
entry (operators do not read a structure's register)."""

from django.shortcuts import render
from django.utils import timezone

from barometre.accounts.access import require_operator
from barometre.core.navigation import crumbs
from barometre.improvement import network


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
    rows = network.on_time_by_department(year)
    return render(
        request,
        "improvement/network.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "total": network.network_total(rows),
            **crumbs(f"Registres du réseau en {year}", nav="network"),
        },
    )
