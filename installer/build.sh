#!/usr/bin/env bash
# Build LevelUp POS for rollout: the PyInstaller one-folder bundle and, on Linux, the .deb.
#
#   installer/build.sh [--revision N] [--skip-bundle] [--out DIR]
#
# Writes DIR (default dist/) with levelup-pos/ (the bundle, stamped with BUILD-INFO) and
# levelup-pos_VERSION-N_amd64.deb. VERSION comes from pos_app/__init__.py; N (default 1) lets a
# rebuild of the same version upgrade the installed one. The Windows installer is built from
# installer/windows/ by .github/workflows/windows.yml (PyInstaller cannot cross-build).
set -euo pipefail
trap 'echo "build.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR
umask 022
cd "$(dirname "${BASH_SOURCE[0]}")/.."

revision=1
skip_bundle=0
out=dist
while [ $# -gt 0 ]; do
    case "$1" in
        --revision) revision=$2; shift 2 ;;
        --skip-bundle) skip_bundle=1; shift ;;
        --out) out=$2; shift 2 ;;
        *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ "$revision" =~ ^[0-9]+$ ]] || { echo "build.sh: --revision must be a number" >&2; exit 2; }

python=${PYTHON:-.venv/bin/python}
version=$("$python" -c 'import pos_app; print(pos_app.__version__)')
bundle="$out/levelup-pos"

if [ "$skip_bundle" = 0 ] || [ ! -x "$bundle/levelup-pos" ]; then
    "$python" -m PyInstaller --version >/dev/null 2>&1 || {
        echo "build.sh: PyInstaller is missing: $python -m pip install -e '.[build]'" >&2; exit 1; }
    echo "build.sh: bundling levelup-pos $version ..." >&2
    "$python" -m PyInstaller --noconfirm --log-level WARN --distpath "$out" \
        --workpath build/pyinstaller installer/levelup-pos.spec
fi
commit=$(git describe --always --dirty 2>/dev/null || echo unknown)
printf 'version=%s\nrevision=%s\ncommit=%s\nbuilt=%s\n' "$version" "$revision" "$commit" \
    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$bundle/BUILD-INFO"
"$bundle/levelup-pos" --version | grep -qx "levelup-pos $version (revision $revision, commit $commit)" || {
    echo "build.sh: the bundle does not report version $version" >&2; exit 1; }

[ "$(uname -s)" = Linux ] || { echo "build.sh: bundle in $bundle (no .deb off Linux)" >&2; exit 0; }

package="$out/levelup-pos_${version}-${revision}_amd64.deb"
root=$(mktemp -d)
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT
linux=installer/linux
doc="$root/usr/share/doc/levelup-pos"
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
    "$root/etc/xdg/autostart" "$doc" "$root/usr/lib/levelup-pos" "$root/usr/lib/systemd/user"
cp -a "$bundle" "$root/opt/levelup-pos"
install -m 0755 "$linux/levelup-pos.sh" "$root/usr/bin/levelup-pos"
install -m 0755 "$linux/autostart" "$root/usr/lib/levelup-pos/autostart"
install -m 0644 "$linux/levelup-pos.service" "$root/usr/lib/systemd/user/levelup-pos.service"
install -m 0644 "$linux/levelup-pos.desktop" "$root/usr/share/applications/levelup-pos.desktop"
install -m 0644 "$linux/autostart.desktop" "$root/etc/xdg/autostart/levelup-pos.desktop"
install -m 0644 installer/provisioning.example.toml "$linux/copyright" "$doc/"
# Debian's changelog form, from the project's changelog (gzip -n: the same bytes every build).
{
    printf 'levelup-pos (%s-%s) stable; urgency=medium\n\n' "$version" "$revision"
    sed -e 's/^/  /' docs/CHANGELOG.md | head -n 200
    printf '\n -- LevelUp POS <support@levelup-pos.example>  %s\n' "$(date -uR)"
} | gzip -9n > "$doc/changelog.Debian.gz"
echo /etc/xdg/autostart/levelup-pos.desktop > "$root/DEBIAN/conffiles"
# The oldest glibc the bundle's libraries accept: the package depends on it, so a PC with an
# older one (Ubuntu 22.04 has 2.35) refuses the package instead of failing at run time.
# (One grep over the whole bundle: xargs would fail the pipeline whenever a batch of files
# happened to have no match.)
glibc=$(grep -raoh 'GLIBC_2\.[0-9]*' "$root/opt/levelup-pos" | sort -uV | tail -n 1)
glibc=${glibc#GLIBC_}
[[ "$glibc" =~ ^2\.[0-9]+$ ]] || { echo "build.sh: could not read the bundle's glibc" >&2; exit 1; }
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/${version}-${revision}/" -e "s/@SIZE@/$size/" -e "s/@GLIBC@/$glibc/" \
    "$linux/control.in" > "$root/DEBIAN/control"
for script in preinst prerm postinst postrm; do
    # The shared refusal goes into each script that needs it (maintainer scripts stand alone).
    awk -v check="$linux/pending-check.sh" \
        '/^@PENDING_CHECK@$/ { while ((getline line < check) > 0) print line; next } { print }' \
        "$linux/$script" > "$root/DEBIAN/$script"
    chmod 0755 "$root/DEBIAN/$script"
done
# xz: every dpkg, reprepro and aptly reads it (Debian 11's dpkg reads no zstd). Level 0 packs
# the 200 MB bundle in about 15 s on two cores (level 6: 105 s) to 92 MB (level 6: 80 MB).
dpkg-deb --root-owner-group -Zxz -z0 --build "$root" "$package" >/dev/null
echo "$package"
