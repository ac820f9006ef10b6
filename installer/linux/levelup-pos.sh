#!/bin/sh
# /usr/bin/levelup-pos: the installed register. Its data live in /var/lib/levelup-pos and its
# provisioning in /etc/levelup-pos/provisioning.toml unless the environment says otherwise.
LEVELUP_POS_HOME="${LEVELUP_POS_HOME:-/var/lib/levelup-pos}"
LEVELUP_POS_PROVISIONING="${LEVELUP_POS_PROVISIONING:-/etc/levelup-pos/provisioning.toml}"
export LEVELUP_POS_HOME LEVELUP_POS_PROVISIONING
exec /opt/levelup-pos/levelup-pos "$@"
