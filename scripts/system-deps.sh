#!/usr/bin/env bash
# Debian packages the platform needs beyond Python wheels. Installs only what is missing,
# and only when running as root with apt (CI and these development machines).
set -eu
# postgresql-client: backup/restore and CI; libharfbuzz-subset0: WeasyPrint font subsetting
# (without it PDFs take twice as long); poppler-utils: pdftoppm/pdftotext in PDF tests;
# chromium: the browser tests (Playwright drives Debian's Chromium).
# redis-server: the shared cache (BAROMETRE_CACHE_URL), tested against the real server.
# With --bench, also wrk: the load driver of `make bench-load` (C, light on CPU).
needed=(postgresql-client redis-server libharfbuzz-subset0 poppler-utils libpango-1.0-0 libpangoft2-1.0-0 chromium)
[ "${1:-}" = "--bench" ] && needed+=(wrk)
missing=()
for pkg in "${needed[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installation des paquets système : ${missing[*]}"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Paquets système manquants : ${missing[*]} (installez-les avec apt)." >&2
  exit 1
fi
