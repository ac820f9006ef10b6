#!/usr/bin/env bash
# The rollout, end to end, on this machine (run as root by .ci/run after the tests):
# build the bundle and two .deb revisions, install with a provisioning file, take payments
# with the installed copy, check the settings came from provisioning, see an upgrade and a
# removal refused while a payment is unfinished, upgrade keeping the journal, remove.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "$(id -u)" = 0 ] || { echo "ci-rollout.sh: run as root (it installs a .deb)" >&2; exit 1; }

python=.venv/bin/python
out=build/rollout
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "== rollout: $*"; }
fail() { echo "rollout FAILED: $*" >&2; exit 1; }

step "build the bundle and two revisions of the .deb"
"$python" -m pip install --quiet --disable-pip-version-check 'pyinstaller>=6.5' \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
first=$(installer/build.sh --out "$out" --revision 1)
second=$(installer/build.sh --out "$out" --revision 2 --skip-bundle)
version=$("$python" -c 'import pos_app; print(pos_app.__version__)')

step "install revision 1 with a provisioning file"
dpkg -s levelup-pos >/dev/null 2>&1 && LEVELUP_POS_ALLOW_PENDING=1 dpkg --purge levelup-pos
rm -rf /var/lib/levelup-pos /var/lib/levelup-pos-sandbox.json
cat > "$work/provisioning.toml" <<'TOML'
[register]
id = "ci-front-3"
tax_rate = "7.25"

[offline]
enabled = true
max_order = 2500
TOML
LEVELUP_POS_PROVISIONING_FILE="$work/provisioning.toml" dpkg -i "$first"
for file in /opt/levelup-pos/levelup-pos /usr/bin/levelup-pos /etc/levelup-pos/provisioning.toml \
    /usr/share/applications/levelup-pos.desktop /etc/xdg/autostart/levelup-pos.desktop; do
    [ -e "$file" ] || fail "$file was not installed"
done
[ "$(stat -c %G:%a /var/lib/levelup-pos)" = "levelup-pos:2770" ] || fail "data directory mode"
grep -qx "revision=1" /opt/levelup-pos/BUILD-INFO || fail "BUILD-INFO is not revision 1"
[ "$(levelup-pos --version)" = "levelup-pos $version" ] || fail "installed version"

step "take payments with the installed copy"
export XDG_CONFIG_HOME="$work/config"  # the secret store's key, as a cashier's own
levelup-pos demo --headless --checks 5 --seed 3 | tail -1 | tee "$work/demo.json"
grep -q '"closed": 5' "$work/demo.json" || fail "the demo did not close every check"
levelup-pos config show > "$work/config.toml"
grep -qx 'id = "ci-front-3"' "$work/config.toml" || fail "register.id is not the provisioned one"
grep -qx 'tax_rate = "7.25"' "$work/config.toml" || fail "tax_rate is not the provisioned one"
grep -qx 'max_order = 2500' "$work/config.toml" || fail "offline.max_order is not provisioned"
grep -q "provisioning: /etc/levelup-pos/provisioning.toml" "$work/config.toml" \
    || fail "the provisioning file in use is not /etc/levelup-pos/provisioning.toml"
levelup-pos journal pending

unfinish() {  # make one approved LevelUp payment's outcome unknown, as a lost answer would
    "$python" installer/linux/unfinish.py /var/lib/levelup-pos/journal.sqlite3
}

step "an upgrade is refused while a payment is unfinished"
unfinish
status=0; levelup-pos journal pending || status=$?
[ "$status" = 4 ] || fail "journal pending said $status, not 4"
if dpkg -i "$second" 2> "$work/refused.txt"; then fail "the upgrade was not refused"; fi
cat "$work/refused.txt"
grep -q "levelup-pos recover" "$work/refused.txt" || fail "the refusal does not say how to drain"
grep -qx "revision=1" /opt/levelup-pos/BUILD-INFO || fail "a refused upgrade replaced files"

step "drain, then upgrade keeping the journal"
levelup-pos recover --settle-after 0 | tee "$work/recovered.txt"
grep -q "unknown → approved" "$work/recovered.txt" || fail "the charged payment was not found"
levelup-pos journal pending
checks_before=$(levelup-pos journal export --format csv | wc -l)
dpkg -i "$second"
grep -qx "revision=2" /opt/levelup-pos/BUILD-INFO || fail "the upgrade did not install revision 2"
[ "$(levelup-pos journal export --format csv | wc -l)" = "$checks_before" ] \
    || fail "the upgrade changed the journal"
levelup-pos journal pending

step "removal is refused while a payment is unfinished, then allowed"
unfinish
if dpkg -r levelup-pos 2>/dev/null; then fail "the removal was not refused"; fi
levelup-pos recover --settle-after 0 | grep -q "unknown → approved" || fail "recovery"
dpkg -r levelup-pos
[ ! -e /opt/levelup-pos ] || fail "the bundle is still there after removal"
[ -e /var/lib/levelup-pos/journal.sqlite3 ] || fail "removal lost the journal"
dpkg --purge levelup-pos
[ -e /var/lib/levelup-pos/journal.sqlite3 ] || fail "purge lost the journal"
step "passed"
