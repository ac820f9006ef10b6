#!/usr/bin/env bash
# Builds the MSI (installer/windows/levelup-pos.wxs) from a one-folder bundle, on Linux, with
# msitools' wixl (apt-get install wixl msitools):
#
#   installer/windows/build-msi.sh VERSION BUNDLE OUT.msi
#
# BUNDLE holds levelup-pos.exe, levelup-pos-register.exe and _internal\ (PyInstaller's
# one-folder build). Its files are harvested with wixl-heat into a fragment beside OUT.msi.
set -euo pipefail
if [ $# -ne 3 ]; then
    sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
version=$1 bundle=$(cd "$2" && pwd) out=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for exe in levelup-pos.exe levelup-pos-register.exe; do
    [ -f "$bundle/$exe" ] || { echo "build-msi: $bundle holds no $exe" >&2; exit 1; }
done
fragment="${out%.msi}.bundle.wxs"
(cd "$bundle" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) |
    wixl-heat --prefix "" --directory-ref INSTALLDIR --component-group Bundle --var var.Bundle --win64 \
    >"$fragment"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
fragment=$(cd "$(dirname "$fragment")" && pwd)/$(basename "$fragment")
# wixl finds sources relative to where it runs: from the bundle, as "."
(cd "$bundle" && wixl -a x64 -D "Version=$version" -D Bundle=. -D Win64=yes -o "$out" \
    "$here/levelup-pos.wxs" "$fragment")
