#!/usr/bin/env bash
# The release step for Linux fleets: a signed apt repository of the .debs built by build.sh.
#
#   installer/apt-repo.sh --key KEY --out DIR [--suite stable] DEB...
#
# Writes DIR/pool/main/l/levelup-pos/*.deb (the .debs added to any already there),
# DIR/dists/SUITE/main/binary-amd64/Packages{,.gz}, DIR/dists/SUITE/Release signed with the GPG
# key KEY (Release.gpg and InRelease), and DIR/levelup-pos-archive-keyring.gpg, the public key
# that registers pin with [signed-by=...] (docs/install.md). Publish DIR as it is on any web
# server. Needs apt-ftparchive (package apt-utils) and gpg with KEY's secret key.
set -euo pipefail
umask 022

key="" out="" suite=stable
debs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --key) key=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --suite) suite=$2; shift 2 ;;
        -*) echo "apt-repo.sh: unknown option $1" >&2; exit 2 ;;
        *) debs+=("$1"); shift ;;
    esac
done
[ -n "$key" ] && [ -n "$out" ] && [ ${#debs[@]} -gt 0 ] || {
    echo "usage: installer/apt-repo.sh --key KEY --out DIR [--suite stable] DEB..." >&2; exit 2; }
[[ "$suite" =~ ^[a-z0-9-]+$ ]] || { echo "apt-repo.sh: --suite must be a plain name" >&2; exit 2; }
command -v apt-ftparchive >/dev/null || { echo "apt-repo.sh: apt-ftparchive is missing (apt-get install apt-utils)" >&2; exit 1; }
gpg --batch --list-secret-keys "$key" >/dev/null 2>&1 || {
    echo "apt-repo.sh: no secret key $key in gpg's keyring" >&2; exit 1; }

pool="$out/pool/main/l/levelup-pos"
binary="$out/dists/$suite/main/binary-amd64"
mkdir -p "$pool" "$binary"
for deb in "${debs[@]}"; do
    [ "$(dpkg-deb -f "$deb" Package)" = levelup-pos ] || { echo "apt-repo.sh: $deb is not levelup-pos" >&2; exit 1; }
    cp "$deb" "$pool/"
done
(cd "$out" && apt-ftparchive packages pool) > "$binary/Packages"
gzip -9nkf "$binary/Packages"
release=(
    -o "APT::FTPArchive::Release::Origin=LevelUp POS"
    -o "APT::FTPArchive::Release::Label=LevelUp POS"
    -o "APT::FTPArchive::Release::Suite=$suite"
    -o "APT::FTPArchive::Release::Codename=$suite"
    -o "APT::FTPArchive::Release::Components=main"
    -o "APT::FTPArchive::Release::Architectures=amd64"
    -o "APT::FTPArchive::Release::Description=LevelUp POS registers"
)
apt-ftparchive "${release[@]}" release "$out/dists/$suite" > "$out/dists/$suite/Release.new"
mv "$out/dists/$suite/Release.new" "$out/dists/$suite/Release"
rm -f "$out/dists/$suite/Release.gpg" "$out/dists/$suite/InRelease"
gpg --batch --yes --local-user "$key" --armor --detach-sign \
    --output "$out/dists/$suite/Release.gpg" "$out/dists/$suite/Release"
gpg --batch --yes --local-user "$key" --clearsign \
    --output "$out/dists/$suite/InRelease" "$out/dists/$suite/Release"
gpg --batch --yes --export "$key" > "$out/levelup-pos-archive-keyring.gpg"
echo "apt-repo.sh: $out holds $(ls "$pool" | wc -l) package(s), suite $suite, signed by $key" >&2
