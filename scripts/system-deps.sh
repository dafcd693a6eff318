#!/usr/bin/env bash
# Debian packages the platform needs beyond Python wheels. Installs only what is missing,
# and only when running as root with apt (CI and these development machines).
set -eu
needed=(postgresql-client)
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
