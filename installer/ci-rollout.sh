#!/usr/bin/env bash
# The rollout, end to end, on this machine (run as root by .ci/run after the tests):
# build the bundle and two .deb revisions, refuse an invalid provisioning file, install with a
# valid one, take payments as a cashier with the installed copy, check the settings came from
# provisioning, see an upgrade and a removal refused while the register runs or a payment is
# unfinished, upgrade keeping the journal, remove keeping it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "$(id -u)" = 0 ] || { echo "ci-rollout.sh: run as root (it installs a .deb)" >&2; exit 1; }

python=.venv/bin/python
out=build/rollout
work=$(mktemp -d)
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT
step() { echo "== rollout: $*"; }
fail() { echo "rollout FAILED: $*" >&2; exit 1; }
installed() {  # installed and configured, whatever was asked of it (a refused removal: "ri ")
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' levelup-pos 2>/dev/null)
    [ "${status:1:2}" = "i " ]
}
cashier() { runuser -u rollout-cashier -- env HOME=/home/rollout-cashier "$@"; }

step "build the bundle and two revisions of the .deb"
"$python" -m pip install --quiet --disable-pip-version-check 'pyinstaller>=6.5' \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
SECONDS=0
first=$(installer/build.sh --out "$out" --revision 1)
echo "bundle and revision 1 built in $SECONDS s: $(stat -c %s "$first") bytes"
SECONDS=0
second=$(installer/build.sh --out "$out" --revision 2 --skip-bundle)
echo "revision 2 packed in $SECONDS s"
version=$("$python" -c 'import pos_app; print(pos_app.__version__)')

step "a clean machine, and a cashier account"
pkill -f '^/opt/levelup-pos/levelup-pos' && sleep 1 || true  # a register left by an earlier run
dpkg -s levelup-pos >/dev/null 2>&1 && LEVELUP_POS_ALLOW_PENDING=1 dpkg --purge levelup-pos
rm -rf /var/lib/levelup-pos /var/lib/levelup-pos-sandbox /etc/levelup-pos
getent group levelup-pos >/dev/null || groupadd --system levelup-pos
id rollout-cashier >/dev/null 2>&1 || useradd --create-home --groups levelup-pos rollout-cashier

step "the package's dependencies (as apt-get install ./levelup-pos.deb would fetch them)"
mapfile -t needs < <(dpkg-deb -f "$first" Depends | tr ',' '\n' | sed -e 's/(.*)//' -e 's/ //g')
missing=()
for package in "${needs[@]}"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

step "an invalid provisioning file is refused, and stays refused"
printf '[register]\nid = "front 3"\n' > "$work/bad.toml"
if LEVELUP_POS_PROVISIONING_FILE="$work/bad.toml" dpkg -i "$first" 2> "$work/bad.txt"; then
    fail "an invalid provisioning file was accepted"
fi
grep -q "not valid" "$work/bad.txt" || fail "the refusal does not say the file is invalid"
if dpkg --configure levelup-pos 2>/dev/null; then fail "a later configure ignored it"; fi
LEVELUP_POS_ALLOW_PENDING=1 dpkg --purge levelup-pos
if LEVELUP_POS_PROVISIONING_FILE=relative.toml dpkg -i "$first" 2>/dev/null; then
    fail "a relative provisioning path was accepted"
fi
dpkg --purge levelup-pos >/dev/null 2>&1 || true

step "install revision 1 with a provisioning file"
cat > "$work/provisioning.toml" <<'TOML'
[register]
id = "ci-front-3"
tax_rate = "7.25"

[offline]
enabled = true
max_order = 2500
TOML
LEVELUP_POS_PROVISIONING_FILE="$work/provisioning.toml" dpkg -i "$first"
installed || fail "revision 1 is not installed"
for file in /opt/levelup-pos/levelup-pos /usr/bin/levelup-pos /etc/levelup-pos/provisioning.toml \
    /usr/share/applications/levelup-pos.desktop /etc/xdg/autostart/levelup-pos.desktop; do
    [ -e "$file" ] || fail "$file was not installed"
done
[ "$(stat -c %G:%a /var/lib/levelup-pos)" = "levelup-pos:2770" ] || fail "data directory mode"
[ "$(stat -c %a /opt/levelup-pos)" = 755 ] || fail "the bundle directory is not 0755"
grep -qx "revision=1" /opt/levelup-pos/BUILD-INFO || fail "BUILD-INFO is not revision 1"
levelup-pos --version | grep -q "^levelup-pos $version (revision 1, commit " || fail "installed version"

step "the package declares what it needs"
depends=$(dpkg-deb -f "$first" Depends)
for needed in "libc6 (>= 2." ca-certificates libxcb-cursor0 libxcb-icccm4 libxkbcommon-x11-0; do
    [[ "$depends" == *"$needed"* ]] || fail "Depends lacks $needed: $depends"
done
if command -v ar >/dev/null; then
    ar t "$first" | grep -qx data.tar.xz || fail "the package is not xz-compressed: $(ar t "$first")"
fi
for file in copyright changelog.Debian.gz; do
    [ -s "/usr/share/doc/levelup-pos/$file" ] || fail "no /usr/share/doc/levelup-pos/$file"
done
dpkg-query -W -f='${Conffiles}' levelup-pos | grep -q " /etc/xdg/autostart/levelup-pos.desktop " \
    || fail "the autostart file is not a conffile"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify /usr/lib/systemd/user/levelup-pos.service || fail "the user unit"
fi

step "a cashier takes payments with the installed copy"
cashier levelup-pos demo --headless --checks 5 --seed 3 | tail -1 | tee "$work/demo.json"
grep -q '"closed": 5' "$work/demo.json" || fail "the demo did not close every check"
[ "$(stat -c %U /var/lib/levelup-pos/journal.sqlite3)" = rollout-cashier ] \
    || fail "the journal is not the cashier's"
cashier levelup-pos config show > "$work/config.toml"
grep -qx 'id = "ci-front-3"' "$work/config.toml" || fail "register.id is not the provisioned one"
grep -qx 'tax_rate = "7.25"' "$work/config.toml" || fail "tax_rate is not the provisioned one"
grep -qx 'max_order = 2500' "$work/config.toml" || fail "offline.max_order is not provisioned"
grep -q "provisioning: /etc/levelup-pos/provisioning.toml" "$work/config.toml" \
    || fail "the provisioning file in use is not /etc/levelup-pos/provisioning.toml"
cashier levelup-pos journal pending

step "root is refused on the register's files, and told which account to use"
status=0; levelup-pos config set register.id lane-9 2> "$work/root.txt" || status=$?
[ "$status" = 6 ] || fail "root's config set said $status, not 6"
grep -q "runuser -u rollout-cashier -- levelup-pos config set register.id lane-9" "$work/root.txt" \
    || fail "the refusal does not name the account: $(cat "$work/root.txt")"
leftovers=$(find /var/lib/levelup-pos -mindepth 1 -user root)
[ -z "$leftovers" ] || fail "root-owned files in the data directory: $leftovers"

step "an upgrade is refused while the register waits at its sign-in; drain closes it"
cashier levelup-pos config set levelup.demo false  # a set-up register: nobody signs in by itself
log=/var/lib/levelup-pos/logs/levelup-pos.log
ups=$(grep -c "The register window is up" "$log" || true)
cashier env QT_QPA_PLATFORM=offscreen levelup-pos >/dev/null 2>&1 &
register=$!
trap 'kill "$register" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 300); do
    [ "$(grep -c "The register window is up" "$log" || true)" -gt "$ups" ] && break
    sleep 0.1
done
sleep 1  # the sign-in dialog is up
cashier levelup-pos status --json > "$work/status.json" || fail "status --json said $?"
"$python" - "$work/status.json" "$register" <<'PY' || fail "status --json: $(cat "$work/status.json")"
import json, sys
document = json.load(open(sys.argv[1]))
assert document["register"] == "ci-front-3" and document["ok"], document
assert document["payments"]["unfinished"] == 0 and document["version"], document
assert document["build"]["revision"] == "1", document
assert document["running"] is not None, document
PY
if dpkg -i "$second" 2> "$work/running.txt"; then fail "an upgrade under a running register"; fi
grep -q "the register is running" "$work/running.txt" || fail "the refusal does not say why"
started=$(date +%s%N)
levelup-pos drain || fail "drain said $?"
echo "drain closed the register at its sign-in in $(( ($(date +%s%N) - started) / 1000000 )) ms"
status=0; wait "$register" || status=$?
[ "$status" = 0 ] || fail "the drained register ended with status $status"
installed || fail "the refused upgrade left the package broken"
cashier levelup-pos config set levelup.demo true

unfinish() {  # make one approved LevelUp payment's outcome unknown, as a lost answer would
    "$python" installer/linux/unfinish.py /var/lib/levelup-pos/journal.sqlite3
    leftovers=$(find /var/lib/levelup-pos -mindepth 1 -user root)
    [ -z "$leftovers" ] || fail "root-owned files in the data directory: $leftovers"
}

step "an upgrade is refused while a payment is unfinished"
unfinish
status=0; cashier levelup-pos journal pending || status=$?
[ "$status" = 4 ] || fail "journal pending said $status, not 4"
if dpkg -i "$second" 2> "$work/refused.txt"; then fail "the upgrade was not refused"; fi
cat "$work/refused.txt"
grep -q "levelup-pos recover" "$work/refused.txt" || fail "the refusal does not say how to drain"
grep -qx "revision=1" /opt/levelup-pos/BUILD-INFO || fail "a refused upgrade replaced files"
installed || fail "the refused upgrade left the package broken"

step "recover, then upgrade keeping the journal, the provisioning and autostart turned off"
cashier levelup-pos recover --settle-after 0 | tee "$work/recovered.txt"
grep -q "unknown → approved" "$work/recovered.txt" || fail "the charged payment was not found"
cashier levelup-pos journal pending
before=$(cashier levelup-pos journal export | sha256sum)
sed -i 's/^Hidden=false$/Hidden=true/' /etc/xdg/autostart/levelup-pos.desktop  # autostart off
dpkg -i "$second"
installed || fail "revision 2 is not installed"
grep -qx "revision=2" /opt/levelup-pos/BUILD-INFO || fail "the upgrade did not install revision 2"
[ "$(cashier levelup-pos journal export | sha256sum)" = "$before" ] \
    || fail "the upgrade changed the journal"
cashier levelup-pos config show | grep -qx 'id = "ci-front-3"' || fail "provisioning lost"
grep -qx "Hidden=true" /etc/xdg/autostart/levelup-pos.desktop || fail "the upgrade turned autostart on"

step "a backup of the register restores on another account"
id rollout-cashier2 >/dev/null 2>&1 || useradd --create-home --groups levelup-pos rollout-cashier2
rm -rf /home/rollout-cashier2/restored  # left by an earlier run on this machine
passphrase="rollout passphrase, kept apart"
cashier env LEVELUP_POS_BACKUP_PASSPHRASE="$passphrase" levelup-pos backup /home/rollout-cashier/register.backup
install -o rollout-cashier2 -m 0600 /home/rollout-cashier/register.backup /home/rollout-cashier2/
as_second() { runuser -u rollout-cashier2 -- env HOME=/home/rollout-cashier2 "$@"; }
as_second env LEVELUP_POS_BACKUP_PASSPHRASE="$passphrase" levelup-pos restore \
    /home/rollout-cashier2/register.backup --data-dir /home/rollout-cashier2/restored
[ "$(as_second levelup-pos journal export --data-dir /home/rollout-cashier2/restored | sha256sum)" = "$before" ] \
    || fail "the restored journal differs"
ls -l /home/rollout-cashier/register.backup

step "removal is refused while a payment is unfinished, then allowed"
unfinish
if dpkg -r levelup-pos 2> "$work/remove.txt"; then fail "the removal was not refused"; fi
grep -q "holds payments that are not finished" "$work/remove.txt" || fail "removal refusal"
installed || fail "the refused removal left the package broken"
cashier levelup-pos recover --settle-after 0 | grep -q "unknown → approved" || fail "recovery"
dpkg -r levelup-pos
[ ! -e /opt/levelup-pos ] || fail "the bundle is still there after removal"
[ -e /var/lib/levelup-pos/journal.sqlite3 ] || fail "removal lost the journal"
dpkg --purge levelup-pos
[ -e /var/lib/levelup-pos/journal.sqlite3 ] || fail "purge lost the journal"
[ ! -e /nonexistent ] || fail "a maintainer script wrote into /nonexistent"

step "a signed apt repository installs and upgrades the register"
export GNUPGHOME="$work/gnupg"
mkdir -m 0700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "LevelUp POS CI <ci@levelup-pos.example>" ed25519 sign never
key=$(gpg --batch --with-colons --list-secret-keys | awk -F: '/^fpr/ {print $10; exit}')
installer/apt-repo.sh --key "$key" --out "$work/repo" "$first"
echo "deb [signed-by=$work/repo/levelup-pos-archive-keyring.gpg] file:$work/repo stable main" \
    > "$work/levelup-pos.list"
mkdir -p "$work/lists/partial"
apt_ours=(-o "Dir::Etc::SourceList=$work/levelup-pos.list" -o Dir::Etc::SourceParts=/nonexistent
          -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
apt-get "${apt_ours[@]}" update -qq || fail "apt-get update from the signed repository"
DEBIAN_FRONTEND=noninteractive apt-get "${apt_ours[@]}" install -y -qq levelup-pos
grep -qx "revision=1" /opt/levelup-pos/BUILD-INFO || fail "apt did not install revision 1"
installer/apt-repo.sh --key "$key" --out "$work/repo" "$second"
apt-get "${apt_ours[@]}" update -qq
DEBIAN_FRONTEND=noninteractive apt-get "${apt_ours[@]}" install -y -qq --only-upgrade levelup-pos
grep -qx "revision=2" /opt/levelup-pos/BUILD-INFO || fail "apt did not upgrade to revision 2"
gpg --batch --quiet --passphrase '' --quick-gen-key "Not LevelUp POS <x@example.invalid>" ed25519 sign never
gpg --batch --export "Not LevelUp POS" > "$work/wrong.gpg"
sed "s|$work/repo/levelup-pos-archive-keyring.gpg|$work/wrong.gpg|" "$work/levelup-pos.list" > "$work/wrong.list"
rm -rf "$work/lists"; mkdir -p "$work/lists/partial"
if apt-get "${apt_ours[@]}" -o "Dir::Etc::SourceList=$work/wrong.list" update -qq 2> "$work/unsigned.txt"; then
    fail "apt took a repository signed by another key"
fi
grep -q "NO_PUBKEY\|not signed" "$work/unsigned.txt" || fail "apt's refusal: $(cat "$work/unsigned.txt")"
DEBIAN_FRONTEND=noninteractive apt-get "${apt_ours[@]}" purge -y -qq levelup-pos
step "passed"
