#!/usr/bin/env bash
# Refresh the vendored front-end files from npm (maintainers only: the built files are
# committed, so neither CI nor a deployment needs npm). Versions are pinned in package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json "$work/"
(cd "$work" && npm install --include=dev --no-audit --no-fund --ignore-scripts >/dev/null)
dest=src/barometre/web/static/vendor
mkdir -p "$dest/dsfr-chart"
cp "$work/node_modules/@gouvfr/dsfr-chart/dist/DSFRChart/DSFRChart.js" \
   "$work/node_modules/@gouvfr/dsfr-chart/dist/DSFRChart/DSFRChart.css" \
   "$work/node_modules/@gouvfr/dsfr-chart/LICENSE" "$dest/dsfr-chart/"
echo "Fichiers mis à jour dans $dest"
tests_vendor=tests/browser/vendor
mkdir -p "$tests_vendor"
cp "$work/node_modules/axe-core/axe.min.js" "$work/node_modules/axe-core/LICENSE" "$tests_vendor/"
echo "Fichiers mis à jour dans $tests_vendor"
