#!/usr/bin/env bash
# Succeeds when PostgreSQL answers on 127.0.0.1:5432, starting the local cluster if needed.
set -u
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
ready && exit 0
command -v pg_isready >/dev/null || { echo "pg_isready introuvable (paquet postgresql-client)." >&2; exit 1; }
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "Démarrage du cluster PostgreSQL $version…"
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "pg_ctlcluster --skip-systemctl-redirect $version main start" || true
  else
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 20); do ready && exit 0; sleep 1; done
fi
exit 1
