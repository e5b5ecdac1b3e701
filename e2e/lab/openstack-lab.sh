#!/usr/bin/env bash
# The real OpenStack lab: Keystone 22 (Zed) + Neutron 21 (Zed) from Debian 12 packages, on 127.0.0.1.
#
#   npm run lab -- start|stop|status|reset|check
#
# Everything (config, sqlite databases, keys, logs, pid files, clouds.yaml, lab.json) lives under
# ${OSLAB_DIR:-/tmp/api-access-lab}. `stop` ends only the process groups whose pids this script recorded.
# Facts, timings and the pitfalls behind every odd-looking choice: docs in e2e/lab/README.md and
# /work/shared/openstack-lab-notes.md ("pitfall N" below refers to that list).
#
# Identity data is created over the REST API (curl + jq), not with the openstack CLI, because one CLI
# process costs 1.3-1.9 s (pitfall 7). References:
#   https://docs.openstack.org/api-ref/identity/v3/
#   https://docs.openstack.org/api-ref/network/v2/
set -euo pipefail
set -E # let the ERR trap fire inside functions and subshells too

MODE=${1:-}

LAB_DIR=${OSLAB_DIR:-/tmp/api-access-lab}
TOKEN_EXPIRATION=${OSLAB_TOKEN_EXPIRATION:-3600}
FAST_HASH=${OSLAB_FAST_HASH:-1}
TOKEN_CACHE_TIME=${OSLAB_TOKEN_CACHE_TIME:-300}
QUOTA_NETWORK=${OSLAB_QUOTA_NETWORK:-100}
RESEED=${OSLAB_RESEED:-0}

# Fixed by design: one lab per machine (the catalog URLs below name these ports).
KEYSTONE_PORT=5000
NEUTRON_PORT=9696
KEYSTONE_URL="http://127.0.0.1:${KEYSTONE_PORT}"
NEUTRON_URL="http://127.0.0.1:${NEUTRON_PORT}"

# Lab-only credentials. They appear in the openrc files and lab.json, never on stdout.
ADMIN_PASSWORD=admin-pass
DEMO_PASSWORD=demo-pass
NEUTRON_PASSWORD=neutron-pass
MFA_PASSWORD=mfa-pass
# demo's application credential (its secret is shown once, at creation: kept in lab.json).
APPCRED_NAME=api-access-lab

# Debian's interpreter: plain `python3` on PATH may be a pyenv build without dist-packages (pitfall 1).
PY=/usr/bin/python3
PACKAGES=(python3-keystone python3-neutron python3-openstackclient uwsgi-core uwsgi-plugin-python3 sqlite3 curl jq)

# ---------------------------------------------------------------------------------------------- output

CURRENT_STEP=""
CURRENT_LOG=""

now_us() { local t=${EPOCHREALTIME/./}; echo "$((10#$t))"; }
# seconds since $1 (an EPOCHREALTIME value), one decimal
since() {
  local a=${1/./} b=${EPOCHREALTIME/./}
  local d=$(((10#$b - 10#$a) / 100000))
  printf '%d.%ds' $((d / 10)) $((d % 10))
}
log() { printf 'lab: %s\n' "$*"; }
warn() { printf 'lab: WARNING: %s\n' "$*" >&2; }

show_log_tail() {
  local file=$1 lines=${2:-40}
  # Only the main shell prints the tail: a failure in a subshell also fails its parent.
  if [[ -n $file && -s $file && $BASHPID == "$$" ]]; then
    printf 'lab: ---- last %d lines of %s ----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" | sed 's/^/  | /' >&2
    printf 'lab: ----\n' >&2
  fi
}

die() {
  local msg=$1 file=${2:-$CURRENT_LOG}
  trap - ERR
  printf 'lab: FAILED: %s\n' "$msg" >&2
  show_log_tail "$file"
  exit 1
}

on_err() {
  local rc=$? line=$1
  trap - ERR
  printf 'lab: FAILED (exit %d, line %d)%s\n' "$rc" "$line" "${CURRENT_STEP:+ during: $CURRENT_STEP}" >&2
  show_log_tail "$CURRENT_LOG"
  exit "$rc"
}
trap 'on_err $LINENO' ERR

# Files holding tokens that this process wrote; removed on any exit (a concurrent `check` must not
# delete the tokens of a running `start`, so no globbing).
TOKEN_FILES=()
cleanup() {
  remove_policy_rc
  ((${#TOKEN_FILES[@]} == 0)) || rm -f -- "${TOKEN_FILES[@]}"
}
trap cleanup EXIT

# step LABEL FUNCTION [ARGS...]: run and print the wall time.
step() {
  local label=$1 t0=$EPOCHREALTIME
  shift
  CURRENT_STEP=$label
  "$@"
  log "$label ($(since "$t0"))"
  CURRENT_STEP=""
}

# ----------------------------------------------------------------------------------------------- paths

set_paths() {
  LAB_DIR=$(realpath -m -- "$LAB_DIR")
  [[ $LAB_DIR == /* && $LAB_DIR != / ]] || die "OSLAB_DIR must be an absolute path other than /"
  MARKER=$LAB_DIR/.oslab
  BIN=$LAB_DIR/bin
  LOGS=$LAB_DIR/log
  RUN=$LAB_DIR/run
  KS=$LAB_DIR/keystone
  NT=$LAB_DIR/neutron
  KS_DB=$KS/keystone.db
  NT_DB=$NT/neutron.db
  KS_PID=$RUN/keystone.pid
  NT_PID=$RUN/neutron.pid
  KS_LOG=$LOGS/keystone.log
  KS_UWSGI_LOG=$LOGS/keystone-uwsgi.log
  NT_LOG=$LOGS/neutron-server.log
  NT_STDOUT_LOG=$LOGS/neutron-server.stdout.log
  CLOUDS_YAML=$LAB_DIR/clouds.yaml
  LAB_JSON=$LAB_DIR/lab.json
  # Outside the lab dir so that `reset` may delete the dir while holding the lock.
  LOCK_FILE=$LAB_DIR.lock
}

take_lock() {
  mkdir -p "$(dirname "$LAB_DIR")"
  exec 9>"$LOCK_FILE"
  if ! flock -w 300 9; then
    die "another openstack-lab.sh holds $LOCK_FILE for more than 300 s"
  fi
}

# --------------------------------------------------------------------------------------------- packages

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || printf '%s\n' "$p"
  done
}

POLICY_RC_CREATED=0
remove_policy_rc() {
  if ((POLICY_RC_CREATED)); then
    rm -f /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=0
  fi
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends \
    "${PACKAGES[@]}" >>"$CURRENT_LOG" 2>&1
}

install_packages() {
  local missing p candidate needs_update=0
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) && return 0
  [[ $EUID -eq 0 ]] || die "packages missing (${missing[*]}); run as root to install them"
  mkdir -p "$LOGS"
  CURRENT_LOG=$LOGS/apt.log
  log "installing Debian packages: ${missing[*]}"
  # The lab starts its own processes; no package may start a service behind our back. Debian's
  # invoke-rc.d honours policy-rc.d exit 101 ("action forbidden"). Create one only if missing.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# created by e2e/lab/openstack-lab.sh during apt-get install\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
  fi
  # apt-get update only when some package has no install candidate (fresh image with empty lists).
  for p in "${missing[@]}"; do
    candidate=$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [[ -z $candidate || $candidate == "(none)" ]]; then needs_update=1; fi
  done
  if ((needs_update)); then
    apt-get -o DPkg::Lock::Timeout=300 update >>"$CURRENT_LOG" 2>&1 || die "apt-get update failed"
  fi
  if ! apt_install; then
    # Stale package lists point at versions the mirror no longer has: refresh once and retry.
    if ((needs_update)); then die "apt-get install failed"; fi
    log "apt-get install failed; running apt-get update and retrying"
    apt-get -o DPkg::Lock::Timeout=300 update >>"$CURRENT_LOG" 2>&1 || die "apt-get update failed"
    apt_install || die "apt-get install failed"
  fi
  remove_policy_rc
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]} == 0)) || die "still missing after apt-get install: ${missing[*]}"
  CURRENT_LOG=""
}

# ---------------------------------------------------------------------------------------------- processes

# Fields of /proc/PID/stat after the ")" closing the command name: state ppid pgrp ...
proc_state() {
  local line
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  line=${line##*) }
  printf '%s\n' "${line%% *}"
}

# A zombie still answers `kill -0` (pitfall 12), so liveness is read from /proc/PID/stat.
is_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  state=$(proc_state "$pid") || return 1
  [[ $state != Z && $state != X && $state != x ]]
}

# Live members of process group $1 (every service is started with setsid, so its pid is its pgid).
group_members() {
  local f line st ppid pgrp rest
  for f in /proc/[0-9]*/stat; do
    { read -r line <"$f"; } 2>/dev/null || continue
    rest=${line##*) }
    read -r st ppid pgrp _ <<<"$rest"
    if [[ $pgrp == "$1" && $st != Z && $st != X && $st != x ]]; then
      f=${f#/proc/}
      printf '%s\n' "${f%/stat}"
    fi
  done
}

read_pid() { [[ -s $1 ]] && tr -dc '0-9' <"$1" || true; }

# Pid recorded in $1 if it is alive and its command line contains $2 (guards against pid reuse).
our_pid() {
  local pid cmd
  pid=$(read_pid "$1")
  [[ -n $pid ]] && is_alive "$pid" || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$2"* ]] || return 1
  printf '%s\n' "$pid"
}

keystone_pid() { our_pid "$KS_PID" uwsgi; }
neutron_pid() { our_pid "$NT_PID" neutron-server; }

is_port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time "${2:-5}" "$1" 2>/dev/null || true; }
is_keystone_healthy() { [[ $(http_code "$KEYSTONE_URL/v3") == 200 ]]; }
is_neutron_healthy() { [[ $(http_code "$NEUTRON_URL/") == 200 ]]; }

# launch PIDFILE OUTFILE CMD...: a new session (so the pid is also the process group id) whose pid
# is written by the shell that then execs the service, so the pid file holds the real pid.
launch() {
  local pidfile=$1 out=$2
  shift 2
  rm -f "$pidfile"
  # 9>&-: the service must not inherit (and so hold forever) the lock of this script.
  setsid sh -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$out" 2>&1 </dev/null 9>&- &
}

KS_LAUNCHED_AT=""
NT_LAUNCHED_AT=""

start_keystone() {
  CURRENT_LOG=$KS_UWSGI_LOG
  KS_LAUNCHED_AT=$EPOCHREALTIME
  printf '\n==== %s start ====\n' "$(date -Is)" >>"$KS_UWSGI_LOG"
  # --processes 2 --threads 1 + WAL: threads share sqlite objects across threads (pitfall 5).
  # Connection: close: --http-socket has no keep-alive but speaks HTTP/1.1 (pitfall 4).
  # --die-on-term: otherwise SIGTERM means "reload" to the uwsgi master (pitfall 6).
  launch "$KS_PID" "$KS_UWSGI_LOG" env -u PYTHONHOME -u PYTHONPATH OS_KEYSTONE_CONFIG_DIR="$KS" \
    /usr/bin/uwsgi-core --plugin python3 --http-socket "127.0.0.1:${KEYSTONE_PORT}" \
    --wsgi-file /usr/bin/keystone-wsgi-public --master --die-on-term --need-app --lazy-apps \
    --processes 2 --threads 1 --add-header 'Connection: close' --buffer-size 65535
}

start_neutron() {
  CURRENT_LOG=$NT_LOG
  NT_LAUNCHED_AT=$EPOCHREALTIME
  printf '\n==== %s start ====\n' "$(date -Is)" >>"$NT_STDOUT_LOG"
  launch "$NT_PID" "$NT_STDOUT_LOG" env -u PYTHONHOME -u PYTHONPATH \
    "$BIN/neutron-server" --config-file "$NT/neutron.conf" --config-file "$NT/ml2_conf.ini" \
    --log-file "$NT_LOG"
}

# wait_healthy NAME PIDFN HEALTHFN LOG TIMEOUT_S LAUNCHED_AT
wait_healthy() {
  local name=$1 pidfn=$2 healthfn=$3 logfile=$4 timeout=$5 t0=$6
  local deadline=$(($(now_us) + timeout * 1000000))
  # The pid file appears a moment after launch.
  while (($(now_us) < deadline)); do
    if "$healthfn"; then
      "$pidfn" >/dev/null || die "$name answers on its port but not from the pid this lab recorded" "$logfile"
      log "$name up ($(since "$t0") after launch)"
      return 0
    fi
    if [[ -s $RUN/$name.pid ]] && ! "$pidfn" >/dev/null; then
      die "$name exited during startup" "$logfile"
    fi
    sleep 0.2
  done
  die "$name not healthy after ${timeout}s" "$logfile"
}

# stop_service NAME PIDFILE PORT
stop_service() {
  local name=$1 pidfile=$2 port=$3 pid members deadline
  pid=$(read_pid "$pidfile")
  if [[ -n $pid ]] && is_alive "$pid"; then
    local cmd
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    if [[ $cmd != *uwsgi* && $cmd != *neutron-server* ]]; then
      warn "$name: pid $pid from $pidfile is now '$cmd', not ours; not touching it"
      pid=""
    fi
  else
    pid=""
  fi
  if [[ -n $pid ]]; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    deadline=$(($(now_us) + 20 * 1000000))
    while members=$(group_members "$pid") && [[ -n $members ]] && (($(now_us) < deadline)); do
      sleep 0.2
    done
    if [[ -n $members ]]; then
      warn "$name: still running after SIGTERM (pids: $(echo $members)); sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
      sleep 0.5
    fi
    log "$name stopped (pid $pid)"
  fi
  rm -f "$pidfile"
  if [[ -z $pid ]] && is_port_open "$port"; then
    die "port $port is held by a process this lab did not start (a lab with another OSLAB_DIR?); left alone"
  fi
  deadline=$(($(now_us) + 15 * 1000000))
  while is_port_open "$port"; do
    if (($(now_us) > deadline)); then
      die "port $port still in use after stopping $name (a process this lab did not start?)"
    fi
    sleep 0.2
  done
}

# ------------------------------------------------------------------------------------------------ config

# write_if_changed FILE CONTENT: returns 0 when the file changed.
write_if_changed() {
  local file=$1 content=$2
  if [[ -f $file ]] && [[ "$(<"$file")" == "$content" ]]; then return 1; fi
  printf '%s\n' "$content" >"$file"
  return 0
}

keystone_conf() {
  cat <<EOF
# Generated by e2e/lab/openstack-lab.sh; rewritten on every start.
[DEFAULT]
log_dir = $LOGS
log_file = $KS_LOG
debug = false

[database]
connection = sqlite:///$KS_DB

[token]
provider = fernet
# 1 h like VK Cloud (OSLAB_TOKEN_EXPIRATION)
expiration = $TOKEN_EXPIRATION

[fernet_tokens]
key_repository = $KS/fernet-keys

[credential]
key_repository = $KS/credential-keys

[auth]
# Keystone's default list plus totp, the second factor of the lab user mfa. With the user option
# multi_factor_auth_rules, a password alone then gets 401 + an Openstack-Auth-Receipt header.
# https://docs.openstack.org/keystone/latest/admin/auth-totp.html
methods = external,password,token,oauth1,mapped,application_credential,totp

[fernet_receipts]
# Auth receipts (the multi-factor sign-in's first step) are fernet-encrypted like tokens; the
# default repository is /etc/keystone/fernet-keys/, which the lab does not use.
key_repository = $KS/fernet-keys
EOF
  if [[ $FAST_HASH == 1 ]]; then
    cat <<'EOF'

[identity]
# OSLAB_FAST_HASH=1: bcrypt cost 4 instead of 12 (password login 0.09 s instead of 0.35 s).
password_hash_rounds = 4
EOF
  fi
}

neutron_conf() {
  cat <<EOF
# Generated by e2e/lab/openstack-lab.sh; rewritten on every start.
[DEFAULT]
debug = false
bind_host = 127.0.0.1
bind_port = $NEUTRON_PORT
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
api_paste_config = $NT/api-paste.ini
api_workers = 0
rpc_workers = 0
rpc_state_report_workers = 0
transport_url = fake://
state_path = $NT/state
allow_overlapping_ips = true
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
dhcp_agent_notification = false

[database]
connection = sqlite:///$NT_DB

[keystone_authtoken]
www_authenticate_uri = $KEYSTONE_URL
auth_url = $KEYSTONE_URL
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = neutron
password = $NEUTRON_PASSWORD
region_name = RegionOne
# Validations are cached in-process: a token revoked after Neutron saw it keeps working this long.
token_cache_time = $TOKEN_CACHE_TIME

[quotas]
quota_network = $QUOTA_NETWORK

[oslo_concurrency]
lock_path = $NT/lock
EOF
}

ml2_conf() {
  cat <<'EOF'
# Generated by e2e/lab/openstack-lab.sh. No mechanism driver and no agents: the API and database only.
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers =
extension_drivers = port_security

[ml2_type_flat]
flat_networks = external

[ml2_type_vlan]
network_vlan_ranges = physnet1:100:199

[ml2_type_vxlan]
vni_ranges = 1:1000
EOF
}

# Debian ships api-paste.ini in neutron-common (not installed: dbconfig-common, debconf, postinst
# migrations); this is the same file as upstream etc/api-paste.ini for Zed.
neutron_api_paste() {
  cat <<'EOF'
[composite:neutron]
use = egg:Paste#urlmap
/: neutronversions_composite
/v2.0: neutronapi_v2_0

[composite:neutronapi_v2_0]
use = call:neutron.auth:pipeline_factory
noauth = cors http_proxy_to_wsgi request_id catch_errors extensions neutronapiapp_v2_0
keystone = cors http_proxy_to_wsgi request_id catch_errors authtoken keystonecontext extensions neutronapiapp_v2_0

[composite:neutronversions_composite]
use = call:neutron.auth:pipeline_factory
noauth = cors http_proxy_to_wsgi neutronversions
keystone = cors http_proxy_to_wsgi neutronversions

[filter:request_id]
paste.filter_factory = oslo_middleware:RequestId.factory

[filter:catch_errors]
paste.filter_factory = oslo_middleware:CatchErrors.factory

[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = neutron

[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory

[filter:keystonecontext]
paste.filter_factory = neutron.auth:NeutronKeystoneContext.factory

[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory

[filter:extensions]
paste.filter_factory = neutron.api.extensions:plugin_aware_extension_middleware_factory

[app:neutronversions]
paste.app_factory = neutron.pecan_wsgi.app:versions_factory

[app:neutronapiapp_v2_0]
paste.app_factory = neutron.api.v2.router:APIRouter.factory

[filter:osprofiler]
paste.filter_factory = osprofiler.web:WsgiMiddleware.factory
EOF
}

KEYSTONE_CONF_CHANGED=0
NEUTRON_CONF_CHANGED=0

write_config() {
  mkdir -p "$BIN" "$LOGS" "$RUN" "$KS" "$NT/state" "$NT/lock"
  chmod 700 "$LAB_DIR" "$RUN"
  [[ -e $MARKER ]] || printf 'openstack-lab data directory (see e2e/lab/README.md)\n' >"$MARKER"
  if write_if_changed "$KS/keystone.conf" "$(keystone_conf)"; then KEYSTONE_CONF_CHANGED=1; fi
  local nt=0
  if write_if_changed "$NT/neutron.conf" "$(neutron_conf)"; then nt=1; fi
  if write_if_changed "$NT/ml2_conf.ini" "$(ml2_conf)"; then nt=1; fi
  if write_if_changed "$NT/api-paste.ini" "$(neutron_api_paste)"; then nt=1; fi
  # neutron-server and neutron-db-manage live in neutron-common, which is not installed (see above).
  if write_if_changed "$BIN/neutron-server" "$(printf '#!%s\nimport sys\nfrom neutron.cmd.eventlet.server import main\nsys.exit(main())' "$PY")"; then nt=1; fi
  write_if_changed "$BIN/neutron-db-manage" "$(printf '#!%s\nimport sys\nfrom neutron.db.migration.cli import main\nsys.exit(main())' "$PY")" || true
  chmod 755 "$BIN/neutron-server" "$BIN/neutron-db-manage"
  chmod 600 "$NT/neutron.conf"
  NEUTRON_CONF_CHANGED=$nt
}

# ---------------------------------------------------------------------------------------- databases

keystone_manage() {
  env -u PYTHONHOME -u PYTHONPATH /usr/bin/keystone-manage --config-file "$KS/keystone.conf" "$@" \
    >>"$LOGS/keystone-manage.log" 2>&1
}

# What `keystone-manage fernet_setup` / `credential_setup --keystone-user root --keystone-group root`
# leave behind (pitfall 3: without those flags they want a `keystone` user), without two Python
# start-ups (~3 s each on a busy 2-core box): key 0 = staged, key 1 = primary, each in the format of
# cryptography's Fernet.generate_key() (url-safe base64 of 32 random bytes), dir 0700, files 0600.
make_key_repository() {
  local dir=$1 i
  (
    umask 077
    mkdir -p "$dir"
    for i in 0 1; do head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' >"$dir/$i"; done
  )
}

init_keystone_db() {
  CURRENT_LOG=$LOGS/keystone-manage.log
  rm -rf "$KS_DB" "$KS_DB-wal" "$KS_DB-shm" "$KS/fernet-keys" "$KS/credential-keys"
  make_key_repository "$KS/fernet-keys"
  make_key_repository "$KS/credential-keys"
  keystone_manage db_sync
  sqlite3 "$KS_DB" 'PRAGMA journal_mode=WAL;' >/dev/null
  keystone_manage bootstrap --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
    --bootstrap-region-id RegionOne --bootstrap-admin-url "$KEYSTONE_URL/v3/" \
    --bootstrap-internal-url "$KEYSTONE_URL/v3/" --bootstrap-public-url "$KEYSTONE_URL/v3/"
  touch "$KS/.initialized"
}

init_neutron_db() {
  CURRENT_LOG=$LOGS/neutron-db.log
  rm -f "$NT_DB" "$NT_DB-wal" "$NT_DB-shm"
  # `neutron-db-manage upgrade heads` fails on sqlite (ALTER of constraints, pitfall 8): build the
  # schema from the models, as Neutron's own sqlite tests do, then stamp the alembic heads.
  env -u PYTHONHOME -u PYTHONPATH "$PY" - "sqlite:///$NT_DB" >>"$CURRENT_LOG" 2>&1 <<'EOF'
import sys
import sqlalchemy
from neutron.db.migration.models import head
engine = sqlalchemy.create_engine(sys.argv[1])
head.get_metadata().create_all(engine)
EOF
  sqlite3 "$NT_DB" 'PRAGMA journal_mode=WAL;' >/dev/null
  env -u PYTHONHOME -u PYTHONPATH "$BIN/neutron-db-manage" --config-file "$NT/neutron.conf" \
    --config-file "$NT/ml2_conf.ini" stamp heads >>"$CURRENT_LOG" 2>&1
  touch "$NT/.initialized"
}

# ------------------------------------------------------------------------------------------------- REST

# call METHOD URL HEADERFILE [BODY]: sets HTTP_CODE and BODY. The token travels in a header file
# (curl -H @file) and the request body on stdin, so neither shows up in `ps`.
HTTP_CODE=""
BODY=""
call() {
  local method=$1 url=$2 hdr=$3 data=${4-} tmp=$RUN/resp.$BASHPID.json
  local args=(-sS --max-time 60 -o "$tmp" -w '%{http_code}' -X "$method"
    -H 'Accept: application/json')
  [[ -n $hdr ]] && args+=(-H "@$hdr")
  if [[ -n $data ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary @-)
    HTTP_CODE=$(curl "${args[@]}" "$url" <<<"$data") || HTTP_CODE=000
  else
    HTTP_CODE=$(curl "${args[@]}" "$url") || HTTP_CODE=000
  fi
  BODY=$(cat "$tmp" 2>/dev/null || true)
  rm -f "$tmp"
}

# expect METHOD URL CODE...: fail unless HTTP_CODE is one of CODEs.
expect() {
  local method=$1 url=$2 c
  shift 2
  for c in "$@"; do [[ $HTTP_CODE == "$c" ]] && return 0; done
  die "$method ${url%%\?*} -> HTTP $HTTP_CODE (expected $*): ${BODY:0:600}"
}

# api METHOD URL HEADERFILE [BODY] -- EXPECTED...
api() {
  local method=$1 url=$2 hdr=$3 data=""
  shift 3
  if [[ ${1-} != -- ]]; then
    data=$1
    shift
  fi
  shift # --
  call "$method" "$url" "$hdr" "$data"
  expect "$method" "$url" "$@"
}

# issue_token HEADERFILE USER PASSWORD PROJECT: project-scoped password token written as a header
# file. POST /v3/auth/tokens -> 201, token in X-Subject-Token.
issue_token() {
  local hdrfile=$1 user=$2 password=$3 project=$4 body token tmp=$RUN/resp.$BASHPID
  body=$(jq -nc --arg u "$user" --arg p "$password" --arg pr "$project" \
    '{auth:{identity:{methods:["password"],password:{user:{name:$u,domain:{id:"default"},password:$p}}},
      scope:{project:{name:$pr,domain:{id:"default"}}}}}')
  HTTP_CODE=$(curl -sS --max-time 60 -o "$tmp.json" -D "$tmp.headers" -w '%{http_code}' \
    -X POST -H 'Content-Type: application/json' --data-binary @- "$KEYSTONE_URL/v3/auth/tokens" \
    <<<"$body") || HTTP_CODE=000
  BODY=$(cat "$tmp.json" 2>/dev/null || true)
  token=$(awk 'tolower($1) == "x-subject-token:" {print $2}' "$tmp.headers" 2>/dev/null | tr -d '\r' || true)
  rm -f "$tmp.json" "$tmp.headers"
  expect POST "$KEYSTONE_URL/v3/auth/tokens ($user@$project)" 201
  [[ -n $token ]] || die "no X-Subject-Token for $user"
  TOKEN_FILES+=("$hdrfile")
  (
    umask 077
    printf 'X-Auth-Token: %s\n' "$token" >"$hdrfile"
  )
}

# -------------------------------------------------------------------------------------- identity seed

ADMIN_HDR=""
DEMO_HDR=""
declare -A PROJECT_ID USER_ID ROLE_ID NETWORK_ID

# id_by_name JSON COLLECTION NAME
id_by_name() { jq -r --arg n "$3" --arg c "$2" '[.[$c][] | select(.name == $n)][0].id // empty' <<<"$1"; }

seed_identity() {
  CURRENT_LOG=$KS_LOG
  ADMIN_HDR=$RUN/admin.hdr
  issue_token "$ADMIN_HDR" admin "$ADMIN_PASSWORD" admin
  local K=$KEYSTONE_URL/v3 name id list

  # Regions (RegionOne comes from bootstrap). Listing avoids the 404-probe ERROR noise (pitfall 11).
  api GET "$K/regions" "$ADMIN_HDR" -- 200
  list=$BODY
  for name in RegionOne RegionTwo; do
    if [[ -z $(jq -r --arg n "$name" '.regions[] | select(.id == $n) | .id' <<<"$list") ]]; then
      api POST "$K/regions" "$ADMIN_HDR" "$(jq -nc --arg n "$name" '{region:{id:$n,description:("Lab " + $n)}}')" -- 201
    fi
  done

  # Domain Default (id "default") comes from bootstrap; make sure.
  api GET "$K/domains/default" "$ADMIN_HDR" -- 200

  # Projects
  api GET "$K/projects?domain_id=default" "$ADMIN_HDR" -- 200
  list=$BODY
  for name in admin service demo other; do
    id=$(id_by_name "$list" projects "$name")
    if [[ -z $id ]]; then
      api POST "$K/projects" "$ADMIN_HDR" \
        "$(jq -nc --arg n "$name" '{project:{name:$n,domain_id:"default",enabled:true,description:("Lab project " + $n)}}')" -- 201
      id=$(jq -r .project.id <<<"$BODY")
    fi
    PROJECT_ID[$name]=$id
  done

  # Roles (bootstrap creates admin > member > reader as implied roles)
  api GET "$K/roles" "$ADMIN_HDR" -- 200
  list=$BODY
  for name in admin member reader; do
    id=$(id_by_name "$list" roles "$name")
    [[ -n $id ]] || die "role $name missing (keystone-manage bootstrap creates it)"
    ROLE_ID[$name]=$id
  done

  # Users. No default_project_id: it would turn an unscoped login into a project-scoped one.
  api GET "$K/users?domain_id=default" "$ADMIN_HDR" -- 200
  list=$BODY
  local -A passwords=([admin]=$ADMIN_PASSWORD [demo]=$DEMO_PASSWORD [neutron]=$NEUTRON_PASSWORD [mfa]=$MFA_PASSWORD)
  for name in admin demo neutron mfa; do
    id=$(id_by_name "$list" users "$name")
    if [[ -z $id ]]; then
      api POST "$K/users" "$ADMIN_HDR" \
        "$(jq -nc --arg n "$name" --arg p "${passwords[$name]}" '{user:{name:$n,domain_id:"default",enabled:true,password:$p}}')" -- 201
      id=$(jq -r .user.id <<<"$BODY")
    fi
    USER_ID[$name]=$id
  done

  # Role assignments: PUT is idempotent (204 whether new or existing).
  local grant project role
  for grant in admin:admin:admin demo:demo:member demo:other:member neutron:service:admin mfa:demo:member; do
    IFS=: read -r name project role <<<"$grant"
    api PUT "$K/projects/${PROJECT_ID[$project]}/users/${USER_ID[$name]}/roles/${ROLE_ID[$role]}" "$ADMIN_HDR" -- 204
  done

  seed_second_factor

  seed_catalog
}

# The user mfa needs password AND a TOTP passcode (Keystone v3 multi-factor auth):
#   https://docs.openstack.org/keystone/latest/admin/auth-totp.html
#   https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html
# Its TOTP secret (base32, RFC 6238 SHA-1 / 6 digits / 30 s as Keystone computes it) goes to lab.json.
MFA_TOTP_SECRET=""
seed_second_factor() {
  local K=$KEYSTONE_URL/v3 id=${USER_ID[mfa]}
  # PATCH replaces the options: the same answer (200) on every run.
  api PATCH "$K/users/$id" "$ADMIN_HDR" \
    '{"user":{"options":{"multi_factor_auth_enabled":true,"multi_factor_auth_rules":[["password","totp"]]}}}' -- 200
  api GET "$K/credentials?user_id=$id&type=totp" "$ADMIN_HDR" -- 200
  MFA_TOTP_SECRET=$(jq -r '.credentials[0].blob // empty' <<<"$BODY")
  if [[ -z $MFA_TOTP_SECRET ]]; then
    # 20 random bytes (RFC 4226's recommended key length) = 32 base32 characters, no padding.
    MFA_TOTP_SECRET=$(head -c 20 /dev/urandom | base32 -w0 | tr -d '=')
    api POST "$K/credentials" "$ADMIN_HDR" \
      "$(jq -nc --arg u "$id" --arg b "$MFA_TOTP_SECRET" '{credential:{type:"totp",user_id:$u,blob:$b}}')" -- 201
  fi
}

# An application credential of demo on project demo (roles member + reader, restricted: it cannot
# create other credentials or trusts). Keystone shows the secret only in the creation answer, so a
# rerun keeps the one in lab.json when it still authenticates, and otherwise replaces the credential.
#   https://docs.openstack.org/api-ref/identity/v3/#application-credentials
APPCRED_ID=""
APPCRED_SECRET=""
seed_application_credential() {
  local K=$KEYSTONE_URL/v3 user=${USER_ID[demo]} existing kept_id="" kept_secret=""
  api GET "$K/users/$user/application_credentials?name=$APPCRED_NAME" "$DEMO_HDR" -- 200
  existing=$(jq -r '.application_credentials[0].id // empty' <<<"$BODY")
  if [[ -s $LAB_JSON ]]; then
    kept_id=$(jq -r '.applicationCredentials.demo.id // empty' "$LAB_JSON")
    kept_secret=$(jq -r '.applicationCredentials.demo.secret // empty' "$LAB_JSON")
  fi
  if [[ -n $existing && $existing == "$kept_id" && -n $kept_secret ]]; then
    call POST "$K/auth/tokens?nocatalog" "" \
      "$(jq -nc --arg i "$existing" --arg s "$kept_secret" \
        '{auth:{identity:{methods:["application_credential"],application_credential:{id:$i,secret:$s}}}}')"
    if [[ $HTTP_CODE == 201 ]]; then
      APPCRED_ID=$existing APPCRED_SECRET=$kept_secret
      return 0
    fi
  fi
  [[ -z $existing ]] || api DELETE "$K/users/$user/application_credentials/$existing" "$DEMO_HDR" -- 204
  api POST "$K/users/$user/application_credentials" "$DEMO_HDR" \
    "$(jq -nc --arg n "$APPCRED_NAME" '{application_credential:{name:$n,description:"API Access lab (e2e/lab/README.md)"}}')" -- 201
  APPCRED_ID=$(jq -r .application_credential.id <<<"$BODY")
  APPCRED_SECRET=$(jq -r .application_credential.secret <<<"$BODY")
}

# type name description RegionOne-url RegionTwo-url. Nothing listens on the compute/image/object-store
# ports: they exist so the catalog looks like a real cloud's.
CATALOG=(
  "identity|keystone|OpenStack Identity|$KEYSTONE_URL/v3/|$KEYSTONE_URL/v3/"
  "network|neutron|OpenStack Networking|$NEUTRON_URL|$NEUTRON_URL"
  "compute|nova|OpenStack Compute|http://127.0.0.1:8774/v2.1|http://127.0.0.1:18774/v2.1"
  "image|glance|OpenStack Image|http://127.0.0.1:9292|http://127.0.0.1:19292"
  "object-store|swift|OpenStack Object Storage|http://127.0.0.1:8080/v1/AUTH_%(project_id)s|http://127.0.0.1:18080/v1/AUTH_%(project_id)s"
)

seed_catalog() {
  local K=$KEYSTONE_URL/v3 entry type name desc url1 url2 sid endpoints region url iface body
  local missing=()
  api GET "$K/services" "$ADMIN_HDR" -- 200
  local services=$BODY
  api GET "$K/endpoints" "$ADMIN_HDR" -- 200
  endpoints=$BODY
  for entry in "${CATALOG[@]}"; do
    IFS='|' read -r type name desc url1 url2 <<<"$entry"
    sid=$(jq -r --arg t "$type" '[.services[] | select(.type == $t)][0].id // empty' <<<"$services")
    if [[ -z $sid ]]; then
      api POST "$K/services" "$ADMIN_HDR" \
        "$(jq -nc --arg t "$type" --arg n "$name" --arg d "$desc" '{service:{type:$t,name:$n,description:$d,enabled:true}}')" -- 201
      sid=$(jq -r .service.id <<<"$BODY")
    fi
    for region in RegionOne RegionTwo; do
      url=$url1
      [[ $region == RegionTwo ]] && url=$url2
      for iface in public internal admin; do
        if [[ -z $(jq -r --arg s "$sid" --arg r "$region" --arg i "$iface" \
          '.endpoints[] | select(.service_id == $s and .region_id == $r and .interface == $i) | .id' <<<"$endpoints") ]]; then
          missing+=("$(jq -nc --arg s "$sid" --arg r "$region" --arg i "$iface" --arg u "$url" \
            '{endpoint:{service_id:$s,region_id:$r,interface:$i,url:$u,enabled:true}}')")
        fi
      done
    done
  done
  # Two lanes, one per uwsgi worker: 27 sequential POSTs are most of a first run's seeding time.
  local lane pids=() i
  for lane in 0 1; do
    (
      for ((i = lane; i < ${#missing[@]}; i += 2)); do
        api POST "$K/endpoints" "$ADMIN_HDR" "${missing[i]}" -- 201
      done
    ) &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || die "POST /v3/endpoints failed"; done
}

# --------------------------------------------------------------------------------------- network seed

# find_network HEADERFILE NAME PROJECT_ID -> id or empty
find_network() {
  api GET "$NEUTRON_URL/v2.0/networks?name=$2&project_id=$3" "$1" -- 200
  jq -r '.networks[0].id // empty' <<<"$BODY"
}

# ensure_subnet HEADERFILE NETWORK_ID NAME CIDR DHCP
ensure_subnet() {
  api GET "$NEUTRON_URL/v2.0/subnets?network_id=$2&name=$3" "$1" -- 200
  if [[ -z $(jq -r '.subnets[0].id // empty' <<<"$BODY") ]]; then
    api POST "$NEUTRON_URL/v2.0/subnets" "$1" \
      "$(jq -nc --arg net "$2" --arg n "$3" --arg c "$4" --argjson d "$5" \
        '{subnet:{network_id:$net,name:$n,ip_version:4,cidr:$c,enable_dhcp:$d}}')" -- 201
  fi
  jq -r '.subnets[0].id // .subnet.id' <<<"$BODY"
}

seed_networks() {
  CURRENT_LOG=$NT_LOG
  local N=$NEUTRON_URL/v2.0 id i router subnet1
  DEMO_HDR=$RUN/demo.hdr
  issue_token "$DEMO_HDR" demo "$DEMO_PASSWORD" demo

  # External network, admin-owned; router:external makes it visible to every project.
  id=$(find_network "$ADMIN_HDR" public "${PROJECT_ID[admin]}")
  if [[ -z $id ]]; then
    api POST "$N/networks" "$ADMIN_HDR" \
      '{"network":{"name":"public","router:external":true,"provider:network_type":"flat","provider:physical_network":"external","description":"Lab external network"}}' -- 201
    id=$(jq -r .network.id <<<"$BODY")
  fi
  NETWORK_ID[public]=$id
  ensure_subnet "$ADMIN_HDR" "$id" public-subnet 198.51.100.0/24 false >/dev/null

  # demo's own networks, created with demo's token so they are owned by project demo.
  for i in 1 2 3; do
    id=$(find_network "$DEMO_HDR" "demo-net-$i" "${PROJECT_ID[demo]}")
    if [[ -z $id ]]; then
      api POST "$N/networks" "$DEMO_HDR" "{\"network\":{\"name\":\"demo-net-$i\"}}" -- 201
      id=$(jq -r .network.id <<<"$BODY")
    fi
    NETWORK_ID[demo-net-$i]=$id
    subnet=$(ensure_subnet "$DEMO_HDR" "$id" "demo-subnet-$i" "10.0.$i.0/24" true)
    [[ $i == 1 ]] && subnet1=$subnet
  done

  # demo-router: gateway on public, interface on demo-subnet-1.
  api GET "$N/routers?name=demo-router&project_id=${PROJECT_ID[demo]}" "$DEMO_HDR" -- 200
  router=$(jq -r '.routers[0].id // empty' <<<"$BODY")
  if [[ -z $router ]]; then
    api POST "$N/routers" "$DEMO_HDR" \
      "$(jq -nc --arg p "${NETWORK_ID[public]}" '{router:{name:"demo-router",external_gateway_info:{network_id:$p}}}')" -- 201
    router=$(jq -r .router.id <<<"$BODY")
  elif [[ $(jq -r '.routers[0].external_gateway_info.network_id // empty' <<<"$BODY") != "${NETWORK_ID[public]}" ]]; then
    api PUT "$N/routers/$router" "$DEMO_HDR" \
      "$(jq -nc --arg p "${NETWORK_ID[public]}" '{router:{external_gateway_info:{network_id:$p}}}')" -- 200
  fi
  api GET "$N/ports?device_id=$router&device_owner=network:router_interface" "$DEMO_HDR" -- 200
  if [[ -z $(jq -r --arg s "$subnet1" '.ports[] | select(any(.fixed_ips[]; .subnet_id == $s)) | .id' <<<"$BODY") ]]; then
    api PUT "$N/routers/$router/add_router_interface" "$DEMO_HDR" "{\"subnet_id\":\"$subnet1\"}" -- 200
  fi

  CURRENT_LOG=$KS_LOG
  seed_application_credential
}

# ------------------------------------------------------------------------------------------- lab files

write_client_files() {
  # lab-appcred names demo's application credential by id (from lab.json); never its secret.
  local appcred_id=""
  [[ -s $LAB_JSON ]] && appcred_id=$(jq -r '.applicationCredentials.demo.id // empty' "$LAB_JSON")
  {
    cat <<EOF
# Generated by e2e/lab/openstack-lab.sh. No passwords here: the lab's are in lab.json / *-openrc.
clouds:
  lab:
    auth:
      auth_url: $KEYSTONE_URL/v3
      username: demo
      user_domain_name: Default
      project_name: demo
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  lab-unscoped:
    auth:
      auth_url: $KEYSTONE_URL/v3
      username: demo
      user_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  lab-admin:
    auth:
      auth_url: $KEYSTONE_URL/v3
      username: admin
      user_domain_name: Default
      project_name: admin
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
  lab-mfa:
    auth:
      auth_url: $KEYSTONE_URL/v3
      username: mfa
      user_domain_name: Default
      project_name: demo
      project_domain_name: Default
    region_name: RegionOne
    interface: public
    identity_api_version: 3
EOF
    if [[ -n $appcred_id ]]; then
      cat <<EOF
  lab-appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: $KEYSTONE_URL/v3
      application_credential_id: $appcred_id
    region_name: RegionOne
    interface: public
    identity_api_version: 3
EOF
    fi
  } >"$CLOUDS_YAML.tmp"
  # Readers (tests of other developers) never see a half-written file.
  mv "$CLOUDS_YAML.tmp" "$CLOUDS_YAML"
  local user password project
  for user in demo admin; do
    password=$DEMO_PASSWORD project=demo
    [[ $user == admin ]] && password=$ADMIN_PASSWORD project=admin
    (
      umask 077
      cat >"$LAB_DIR/$user-openrc" <<EOF
# Lab-only credentials (e2e/lab/openstack-lab.sh). Usage: . $LAB_DIR/$user-openrc
export OS_AUTH_URL=$KEYSTONE_URL/v3
export OS_IDENTITY_API_VERSION=3
export OS_AUTH_TYPE=password
export OS_USERNAME=$user
export OS_PASSWORD=$password
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_NAME=$project
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=RegionOne
export OS_INTERFACE=public
EOF
    )
  done
}

write_lab_json() {
  local networks='{}' name
  for name in public demo-net-1 demo-net-2 demo-net-3; do
    networks=$(jq -c --arg n "$name" --arg id "${NETWORK_ID[$name]}" '. + {($n): $id}' <<<"$networks")
  done
  jq -n \
    --arg keystoneUrl "$KEYSTONE_URL" --arg neutronUrl "$NEUTRON_URL" --arg cloudsYaml "$CLOUDS_YAML" \
    --arg demoId "${USER_ID[demo]}" --arg demoPassword "$DEMO_PASSWORD" \
    --arg adminId "${USER_ID[admin]}" --arg adminPassword "$ADMIN_PASSWORD" \
    --arg mfaId "${USER_ID[mfa]}" --arg mfaPassword "$MFA_PASSWORD" --arg mfaSecret "$MFA_TOTP_SECRET" \
    --arg appcredId "$APPCRED_ID" --arg appcredName "$APPCRED_NAME" --arg appcredSecret "$APPCRED_SECRET" \
    --arg pDemo "${PROJECT_ID[demo]}" --arg pOther "${PROJECT_ID[other]}" --arg pAdmin "${PROJECT_ID[admin]}" \
    --argjson networks "$networks" \
    '{keystoneUrl:$keystoneUrl, neutronUrl:$neutronUrl, cloudsYaml:$cloudsYaml,
      users:{
        demo:{id:$demoId, name:"demo", password:$demoPassword, domainId:"default"},
        admin:{id:$adminId, name:"admin", password:$adminPassword, domainId:"default"},
        mfa:{id:$mfaId, name:"mfa", password:$mfaPassword, domainId:"default", totpSecret:$mfaSecret}},
      applicationCredentials:{
        demo:{id:$appcredId, name:$appcredName, secret:$appcredSecret, projectId:$pDemo}},
      projects:{
        demo:{id:$pDemo, name:"demo"}, other:{id:$pOther, name:"other"}, admin:{id:$pAdmin, name:"admin"}},
      regions:["RegionOne","RegionTwo"],
      networks:$networks}' >"$LAB_JSON.tmp"
  chmod 600 "$LAB_JSON.tmp"
  mv "$LAB_JSON.tmp" "$LAB_JSON"
  write_lab_json_settings
}

# The settings part of lab.json follows the config of the running services (see cmd_start).
write_lab_json_settings() {
  jq --argjson e "$TOKEN_EXPIRATION" --argjson c "$TOKEN_CACHE_TIME" --argjson q "$QUOTA_NETWORK" \
    '. + {tokenExpirationSeconds:$e, neutronTokenCacheSeconds:$c, networkQuota:$q}' "$LAB_JSON" >"$LAB_JSON.tmp"
  chmod 600 "$LAB_JSON.tmp"
  mv "$LAB_JSON.tmp" "$LAB_JSON"
}

# ------------------------------------------------------------------------------------------------ modes

cmd_start() {
  local t0=$EPOCHREALTIME
  step "packages" install_packages
  write_config

  local ks_running=0 nt_running=0
  if keystone_pid >/dev/null && is_keystone_healthy; then ks_running=1; fi
  if neutron_pid >/dev/null && is_neutron_healthy; then nt_running=1; fi
  if ((ks_running && nt_running && !KEYSTONE_CONF_CHANGED && !NEUTRON_CONF_CHANGED && !RESEED)) && [[ -s $LAB_JSON ]]; then
    log "already running (keystone $KEYSTONE_URL, neutron $NEUTRON_URL); nothing to do ($(since "$t0"))"
    return 0
  fi

  # A config change (e.g. OSLAB_TOKEN_EXPIRATION) needs a restart; an unhealthy recorded process too.
  if ((!ks_running || KEYSTONE_CONF_CHANGED)); then stop_service keystone "$KS_PID" "$KEYSTONE_PORT"; ks_running=0; fi
  if ((!nt_running || NEUTRON_CONF_CHANGED)); then stop_service neutron "$NT_PID" "$NEUTRON_PORT"; nt_running=0; fi
  ((ks_running)) || ! is_port_open "$KEYSTONE_PORT" || die "port $KEYSTONE_PORT is taken by a process this lab did not start"
  ((nt_running)) || ! is_port_open "$NEUTRON_PORT" || die "port $NEUTRON_PORT is taken by a process this lab did not start"

  # First run: both databases, in parallel (they are independent).
  local nt_init_pid=""
  if [[ ! -e $NT/.initialized ]]; then
    log "neutron schema: create_all + stamp heads (background)"
    (init_neutron_db) &
    nt_init_pid=$!
  fi
  if [[ ! -e $KS/.initialized ]]; then
    step "keystone fernet/credential keys + db_sync + bootstrap" init_keystone_db
  fi
  if [[ -n $nt_init_pid ]]; then
    wait "$nt_init_pid" || die "neutron schema creation failed" "$LOGS/neutron-db.log"
    log "neutron schema ready ($(since "$t0") since start)"
  fi

  # Neutron needs Keystone only when the first authenticated request arrives: start both at once.
  ((ks_running)) || start_keystone
  ((nt_running)) || start_neutron
  ((ks_running)) || wait_healthy keystone keystone_pid is_keystone_healthy "$KS_UWSGI_LOG" 90 "$KS_LAUNCHED_AT"
  ((nt_running)) || wait_healthy neutron neutron_pid is_neutron_healthy "$NT_LOG" 90 "$NT_LAUNCHED_AT"

  if [[ ! -s $LAB_JSON || $RESEED == 1 ]]; then
    step "identity data (regions, projects, users, roles, mfa's TOTP, 30 endpoints)" seed_identity
    step "network data (public, demo-net-1..3, demo-router) + demo's application credential" seed_networks
    write_lab_json
  else
    write_lab_json_settings
  fi
  # After the seed: clouds.yaml names the application credential that lab.json records.
  write_client_files
  log "ready in $(since "$t0"): keystone $KEYSTONE_URL/v3, neutron $NEUTRON_URL, clouds.yaml $CLOUDS_YAML, facts $LAB_JSON"
}

cmd_stop() {
  [[ -d $LAB_DIR ]] || { log "nothing to stop ($LAB_DIR does not exist)"; return 0; }
  local t0=$EPOCHREALTIME
  stop_service neutron "$NT_PID" "$NEUTRON_PORT"
  stop_service keystone "$KS_PID" "$KEYSTONE_PORT"
  log "stopped; ports $KEYSTONE_PORT and $NEUTRON_PORT free ($(since "$t0"))"
}

cmd_status() {
  local rc=0 pid
  if pid=$(keystone_pid) && is_keystone_healthy; then
    log "keystone up   pid $pid  $KEYSTONE_URL/v3"
  else
    rc=3
    if [[ -n ${pid-} ]]; then log "keystone DOWN (pid $pid alive but $KEYSTONE_URL/v3 does not answer 200)"
    elif is_port_open "$KEYSTONE_PORT"; then log "keystone DOWN (port $KEYSTONE_PORT held by a process this lab did not start)"
    else log "keystone DOWN"; fi
  fi
  pid=""
  if pid=$(neutron_pid) && is_neutron_healthy; then
    log "neutron  up   pid $pid  $NEUTRON_URL"
  else
    rc=3
    if [[ -n ${pid-} ]]; then log "neutron  DOWN (pid $pid alive but $NEUTRON_URL/ does not answer 200)"
    elif is_port_open "$NEUTRON_PORT"; then log "neutron  DOWN (port $NEUTRON_PORT held by a process this lab did not start)"
    else log "neutron  DOWN"; fi
  fi
  log "data $LAB_DIR"
  return $rc
}

cmd_check() {
  command -v curl >/dev/null && command -v jq >/dev/null || die "curl and jq are needed (run start first)"
  [[ -d $RUN ]] || die "no lab at $LAB_DIR (run start first)"
  local t0=$EPOCHREALTIME t1 names want
  CURRENT_LOG=$KS_LOG
  issue_token "$RUN/check.$$.hdr" demo "$DEMO_PASSWORD" demo
  t1=$(since "$t0")
  local t2=$EPOCHREALTIME
  CURRENT_LOG=$NT_LOG
  api GET "$NEUTRON_URL/v2.0/networks" "$RUN/check.$$.hdr" -- 200
  names=$(jq -r '[.networks[].name] | sort | join(" ")' <<<"$BODY")
  for want in public demo-net-1 demo-net-2 demo-net-3; do
    [[ " $names " == *" $want "* ]] || die "network $want not visible to demo (got: $names)"
  done
  log "check ok: demo token ($t1), GET /v2.0/networks -> $(jq '.networks | length' <<<"$BODY") networks ($(since "$t2"))"
}

cmd_reset() {
  local t0=$EPOCHREALTIME
  cmd_stop
  if [[ -d $LAB_DIR ]]; then
    # Refuse to delete a directory this script did not create.
    if [[ -e $MARKER ]] || [[ -z $(ls -A "$LAB_DIR") ]]; then
      rm -rf -- "$LAB_DIR"
      log "deleted $LAB_DIR"
    else
      die "$LAB_DIR has no $(basename "$MARKER") marker; refusing to delete it"
    fi
  fi
  cmd_start
  log "reset done in $(since "$t0")"
}

usage() {
  cat >&2 <<'EOF'
usage: openstack-lab.sh start|stop|status|reset|check   (npm run lab -- MODE)
env: OSLAB_DIR (/tmp/api-access-lab)  OSLAB_TOKEN_EXPIRATION (3600)  OSLAB_FAST_HASH (1)
     OSLAB_TOKEN_CACHE_TIME (300)  OSLAB_QUOTA_NETWORK (100)  OSLAB_RESEED (0)
EOF
}

validate_settings() {
  local name value
  for name in OSLAB_TOKEN_EXPIRATION:$TOKEN_EXPIRATION OSLAB_TOKEN_CACHE_TIME:$TOKEN_CACHE_TIME \
    OSLAB_QUOTA_NETWORK:$QUOTA_NETWORK; do
    value=${name#*:}
    [[ $value =~ ^[0-9]+$ ]] || die "${name%%:*} must be a whole number, got '$value'" /dev/null
  done
  ((TOKEN_EXPIRATION > 0)) || die "OSLAB_TOKEN_EXPIRATION must be > 0" /dev/null
  [[ $FAST_HASH == 0 || $FAST_HASH == 1 ]] || die "OSLAB_FAST_HASH must be 0 or 1, got '$FAST_HASH'" /dev/null
  [[ $RESEED == 0 || $RESEED == 1 ]] || die "OSLAB_RESEED must be 0 or 1, got '$RESEED'" /dev/null
}

main() {
  validate_settings
  set_paths
  case $MODE in
  start) take_lock; cmd_start ;;
  stop) take_lock; cmd_stop ;;
  reset) take_lock; cmd_reset ;;
  status)
    local rc=0
    cmd_status || rc=$?
    exit "$rc"
    ;;
  check) cmd_check ;;
  -h | --help | help) usage ;;
  *) usage; exit 2 ;;
  esac
}

main
