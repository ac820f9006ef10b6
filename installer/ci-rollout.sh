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
first=$(installer/build.sh --out "$out" --revision 1)
second=$(installer/build.sh --out "$out" --revision 2 --skip-bundle)
version=$("$python" -c 'import pos_app; print(pos_app.__version__)')

step "a clean machine, and a cashier account"
pkill -f '^/opt/levelup-pos/levelup-pos' && sleep 1 || true  # a register left by an earlier run
dpkg -s levelup-pos >/dev/null 2>&1 && LEVELUP_POS_ALLOW_PENDING=1 dpkg --purge levelup-pos
rm -rf /var/lib/levelup-pos /var/lib/levelup-pos-sandbox /etc/levelup-pos
getent group levelup-pos >/dev/null || groupadd --system levelup-pos
id rollout-cashier >/dev/null 2>&1 || useradd --create-home --groups levelup-pos rollout-cashier

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
[ "$(levelup-pos --version)" = "levelup-pos $version" ] || fail "installed version"

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

step "an upgrade is refused while the register runs"
cashier env QT_QPA_PLATFORM=offscreen levelup-pos >/dev/null 2>&1 &
register=$!
trap 'kill "$register" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
    grep -q "ready for scans" /var/lib/levelup-pos/logs/levelup-pos.log 2>/dev/null && break
    sleep 0.1
done
if dpkg -i "$second" 2> "$work/running.txt"; then fail "an upgrade under a running register"; fi
grep -q "the register is running" "$work/running.txt" || fail "the refusal does not say why"
pkill -TERM -f '^/opt/levelup-pos/levelup-pos'  # as a shutdown would: the window closes
wait "$register" || true
for _ in $(seq 100); do pgrep -f '^/opt/levelup-pos/levelup-pos' >/dev/null || break; sleep 0.1; done
installed || fail "the refused upgrade left the package broken"

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

step "drain, then upgrade keeping the journal and the provisioning"
cashier levelup-pos recover --settle-after 0 | tee "$work/recovered.txt"
grep -q "unknown → approved" "$work/recovered.txt" || fail "the charged payment was not found"
cashier levelup-pos journal pending
before=$(cashier levelup-pos journal export | sha256sum)
dpkg -i "$second"
installed || fail "revision 2 is not installed"
grep -qx "revision=2" /opt/levelup-pos/BUILD-INFO || fail "the upgrade did not install revision 2"
[ "$(cashier levelup-pos journal export | sha256sum)" = "$before" ] \
    || fail "the upgrade changed the journal"
cashier levelup-pos config show | grep -qx 'id = "ci-front-3"' || fail "provisioning lost"

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
step "passed"
