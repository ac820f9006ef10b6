# Shared by preinst and prerm (sourced): refuse to go on while the register runs, or while its
# journal holds payments that are unfinished or queued offline (unless
# LEVELUP_POS_ALLOW_PENDING=1 for the journal check).
levelup_pos_refuse_if_pending() {
    data=/var/lib/levelup-pos
    binary=/opt/levelup-pos/levelup-pos
    for link in /proc/[0-9]*/exe; do
        case "$(readlink "$link" 2>/dev/null)" in
            "$binary"|"$binary (deleted)")
                pid=${link#/proc/}
                echo "levelup-pos: $1 refused: the register is running (process ${pid%/exe}); close it first: levelup-pos drain" >&2
                return 1 ;;
        esac
    done
    [ -e "$data/journal.sqlite3" ] || return 0
    if [ "${LEVELUP_POS_ALLOW_PENDING:-0}" = 1 ]; then
        echo "levelup-pos: LEVELUP_POS_ALLOW_PENDING=1: not checking for unfinished payments." >&2
        return 0
    fi
    status=0
    if [ -x "$binary" ]; then
        # As the journal's owner: files SQLite makes beside it must stay the register's own.
        owner=$(stat -c %U "$data/journal.sqlite3")
        as_owner=""
        [ "$owner" = root ] || [ "$(id -u)" != 0 ] || as_owner="runuser -u $owner --"
        scratch=$(mktemp -d)
        chmod 0755 "$scratch"
        $as_owner env HOME="$scratch" XDG_CONFIG_HOME="$scratch" \
            "$binary" journal pending --data-dir "$data" >/dev/null || status=$?
        rm -rf "$scratch"
    else
        status=127  # a journal and no program to read it: do not guess
    fi
    case "$status" in
        0) return 0 ;;
        4) echo "levelup-pos: $1 refused: the journal in $data holds payments that are not finished." >&2 ;;
        *) echo "levelup-pos: $1 refused: the journal in $data could not be checked (status $status)." >&2 ;;
    esac
    echo "levelup-pos: drain them first: open the register while LevelUp is reachable, or run" >&2
    echo "levelup-pos:   runuser -u $(stat -c %U "$data/journal.sqlite3") -- levelup-pos recover" >&2
    echo "levelup-pos: and check with: levelup-pos journal pending" >&2
    echo "levelup-pos: (LEVELUP_POS_ALLOW_PENDING=1 goes on regardless, at the merchant's risk.)" >&2
    return 1
}
