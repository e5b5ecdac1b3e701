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
# This script does what needs a shell: Debian packages, configuration (rendered from
# e2e/lab/templates/), the databases, starting, watching and stopping the processes. The data
# (regions, projects, users, endpoints, networks, credentials) and the files tests read (lab.json,
# clouds.yaml, openrc) come from the TypeScript seed, e2e/lab/seed/seed-lab.ts, over the REST APIs:
#   https://docs.openstack.org/api-ref/identity/v3/
#   https://docs.openstack.org/api-ref/network/v2/
# The federation (a second Keystone behind Apache + mod_auth_openidc, and an OpenID Connect provider,
# for "Sign in with SSO") is in e2e/lab/federation-lab.sh, sourced below; OSLAB_FEDERATION=0 leaves it out.
set -euo pipefail
set -E # let the ERR trap fire inside functions and subshells too

MODE=${1:-}

LAB_DIR=${OSLAB_DIR:-/tmp/api-access-lab}
TOKEN_EXPIRATION=${OSLAB_TOKEN_EXPIRATION:-3600}
FAST_HASH=${OSLAB_FAST_HASH:-1}
TOKEN_CACHE_TIME=${OSLAB_TOKEN_CACHE_TIME:-300}
QUOTA_NETWORK=${OSLAB_QUOTA_NETWORK:-100}
RESEED=${OSLAB_RESEED:-0}

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd -- "$SCRIPT_DIR/../.." && pwd)
TEMPLATES=$SCRIPT_DIR/templates

# Fixed by design: one lab per machine (the catalog URLs name these ports).
KEYSTONE_PORT=5000
NEUTRON_PORT=9696
KEYSTONE_URL="http://127.0.0.1:${KEYSTONE_PORT}"
NEUTRON_URL="http://127.0.0.1:${NEUTRON_PORT}"

# Lab-only credentials, handed to the seed in its environment; they end up in the openrc files and
# lab.json, never on stdout. admin's comes from `keystone-manage bootstrap`, neutron's is in neutron.conf.
ADMIN_PASSWORD=admin-pass
DEMO_PASSWORD=demo-pass
NEUTRON_PASSWORD=neutron-pass
MFA_PASSWORD=mfa-pass
DOMAIN_ADMIN_PASSWORD=domain-admin-pass
COST12_PASSWORD=demo-cost12-pass

# Debian's interpreter: plain `python3` on PATH may be a pyenv build without dist-packages (pitfall 1).
PY=/usr/bin/python3
PACKAGES=(python3-keystone python3-neutron python3-openstackclient uwsgi-core uwsgi-plugin-python3 sqlite3 curl jq)

# The federation part: its settings, functions and template names (OSLAB_FEDERATION, ...).
# shellcheck source=e2e/lab/federation-lab.sh
. "$SCRIPT_DIR/federation-lab.sh"

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

# Files holding a token that this process wrote (`check`); removed on any exit (a concurrent `check`
# must not delete another's, so no globbing).
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
  fed_set_paths
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

# apt_install PACKAGE...: only the missing ones, so that an installed package (openssl, curl...) is
# not upgraded behind the machine's back.
apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends \
    "$@" >>"$CURRENT_LOG" 2>&1
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
  if ! apt_install "${missing[@]}"; then
    # Stale package lists point at versions the mirror no longer has: refresh once and retry.
    if ((needs_update)); then die "apt-get install failed"; fi
    log "apt-get install failed; running apt-get update and retrying"
    apt-get -o DPkg::Lock::Timeout=300 update >>"$CURRENT_LOG" 2>&1 || die "apt-get update failed"
    apt_install "${missing[@]}" || die "apt-get install failed"
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
  # Every flag, and why, is in the rendered keystone-uwsgi.ini (e2e/lab/templates/keystone-uwsgi.ini).
  launch "$KS_PID" "$KS_UWSGI_LOG" env -u PYTHONHOME -u PYTHONPATH /usr/bin/uwsgi-core --ini "$KS/keystone-uwsgi.ini"
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

# wait_port_free PORT NAME: after a stop, the port must become free (15 s).
wait_port_free() {
  local port=$1 name=$2 deadline=$(($(now_us) + 15 * 1000000))
  while is_port_open "$port"; do
    if (($(now_us) > deadline)); then
      die "port $port still in use after stopping $name (a process this lab did not start?)"
    fi
    sleep 0.2
  done
}

# stop_service NAME PIDFILE PORT [COMMAND]: COMMAND (default: uwsgi or neutron-server) must be part
# of the recorded pid's command line, or the pid was reused by someone else's process.
stop_service() {
  local name=$1 pidfile=$2 port=$3 want=${4:-} pid members deadline
  pid=$(read_pid "$pidfile")
  if [[ -n $pid ]] && is_alive "$pid"; then
    local cmd
    cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    if { [[ -n $want ]] && [[ $cmd != *"$want"* ]]; } ||
      { [[ -z $want ]] && [[ $cmd != *uwsgi* && $cmd != *neutron-server* ]]; }; then
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
  wait_port_free "$port" "$name"
}

# ------------------------------------------------------------------------------------------------ config

# render TEMPLATE: the file from e2e/lab/templates/ with each {{NAME}} replaced by the value of the
# shell variable NAME (only the names listed here; an unknown or misspelt one fails the start).
TEMPLATE_VARS=(LOGS KS KS_DB KS_LOG NT NT_DB TOKEN_EXPIRATION TOKEN_CACHE_TIME QUOTA_NETWORK KEYSTONE_PORT
  NEUTRON_PORT KEYSTONE_URL NEUTRON_PASSWORD PYTHON "${FED_TEMPLATE_VARS[@]}")
render() {
  local file=$TEMPLATES/$1 text name PYTHON=$PY
  [[ -f $file ]] || die "template $file is missing" /dev/null
  text=$(<"$file")
  # The quoted replacement keeps a & literal (bash 5.2 patsub_replacement).
  # An unset variable (e.g. a federation secret while OSLAB_FEDERATION=0) leaves its placeholder,
  # which the check below reports.
  for name in "${TEMPLATE_VARS[@]}"; do
    [[ -v $name ]] || continue
    text=${text//"{{$name}}"/"${!name}"}
  done
  [[ $text != *'{{'* ]] || die "template $1 has a placeholder this script does not fill: $(grep -o '{{[^}]*}}' <<<"$text" | head -1)" /dev/null
  printf '%s\n' "$text"
}

# write_if_changed FILE CONTENT: returns 0 when the file changed.
write_if_changed() {
  local file=$1 content=$2
  if [[ -f $file ]] && [[ "$(<"$file")" == "$content" ]]; then return 1; fi
  printf '%s\n' "$content" >"$file"
  return 0
}

# place FILE COMMAND...: FILE gets what COMMAND prints (a render); returns 0 when FILE changed.
place() {
  local file=$1 content
  shift
  # Called as an `if` condition, where set -e is off: a failed render (it said why) must still stop.
  content=$("$@") || exit 1
  write_if_changed "$file" "$content"
}

keystone_conf() {
  render keystone.conf
  if [[ $FAST_HASH == 1 ]]; then render keystone-fast-hash.conf; fi
}

KEYSTONE_CONF_CHANGED=0
NEUTRON_CONF_CHANGED=0

write_config() {
  mkdir -p "$BIN" "$LOGS" "$RUN" "$KS" "$NT/state" "$NT/lock"
  # 711 with the federation: its Keystone runs as www-data and must traverse the lab directory.
  if fed_is_on; then chmod 711 "$LAB_DIR"; else chmod 700 "$LAB_DIR"; fi
  chmod 700 "$RUN"
  [[ -e $MARKER ]] || printf 'openstack-lab data directory (see e2e/lab/README.md)\n' >"$MARKER"
  local ks=0 nt=0
  if place "$KS/keystone.conf" keystone_conf; then ks=1; fi
  if place "$KS/keystone-uwsgi.ini" render keystone-uwsgi.ini; then ks=1; fi
  if place "$NT/neutron.conf" render neutron.conf; then nt=1; fi
  if place "$NT/ml2_conf.ini" render ml2_conf.ini; then nt=1; fi
  if place "$NT/api-paste.ini" render api-paste.ini; then nt=1; fi
  # neutron-server and neutron-db-manage live in neutron-common, which is not installed.
  if place "$BIN/neutron-server" render neutron-server.py; then nt=1; fi
  place "$BIN/neutron-db-manage" render neutron-db-manage.py || true
  chmod 755 "$BIN/neutron-server" "$BIN/neutron-db-manage"
  chmod 600 "$NT/neutron.conf"
  KEYSTONE_CONF_CHANGED=$ks
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

# Bootstrap creates domain Default, project admin, user admin (also system-scope admin), the roles
# admin > member > reader (implied), region RegionOne and the identity endpoints. The rest of the
# data comes from the seed.
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
  # `neutron-db-manage upgrade heads` fails on sqlite (pitfall 8): schema from the models, then stamp.
  env -u PYTHONHOME -u PYTHONPATH "$PY" "$TEMPLATES/create-neutron-schema.py" "sqlite:///$NT_DB" >>"$CURRENT_LOG" 2>&1
  sqlite3 "$NT_DB" 'PRAGMA journal_mode=WAL;' >/dev/null
  env -u PYTHONHOME -u PYTHONPATH "$BIN/neutron-db-manage" --config-file "$NT/neutron.conf" \
    --config-file "$NT/ml2_conf.ini" stamp heads >>"$CURRENT_LOG" 2>&1
  touch "$NT/.initialized"
}

# ------------------------------------------------------------------------------------------------- seed

# The data and the files tests read, in TypeScript (e2e/lab/seed/seed-lab.ts): with a valid lab.json
# and OSLAB_RESEED=0 it only records the current settings there and rewrites clouds.yaml/openrc.
# tsx is a devDependency: the repository's node_modules (npm ci) must be there.
seed_lab() {
  local tsx=(npx --no-install tsx) rc=0
  # The local binary is what npx would run, without npx's own ~0.4 s start.
  [[ -x $REPO_DIR/node_modules/.bin/tsx ]] && tsx=("$REPO_DIR/node_modules/.bin/tsx")
  [[ -d $REPO_DIR/node_modules/zod ]] || die "no node_modules in $REPO_DIR: run npm ci there first" /dev/null
  (
    cd "$REPO_DIR"
    # The seed's input; the passwords travel in its environment, never on a command line.
    OSLAB_DIR=$LAB_DIR OSLAB_RESEED=$RESEED OSLAB_TOKEN_EXPIRATION=$TOKEN_EXPIRATION \
      OSLAB_TOKEN_CACHE_TIME=$TOKEN_CACHE_TIME OSLAB_QUOTA_NETWORK=$QUOTA_NETWORK \
      LAB_KEYSTONE_URL=$KEYSTONE_URL LAB_NEUTRON_URL=$NEUTRON_URL \
      LAB_ADMIN_PASSWORD=$ADMIN_PASSWORD LAB_DEMO_PASSWORD=$DEMO_PASSWORD \
      LAB_NEUTRON_PASSWORD=$NEUTRON_PASSWORD LAB_MFA_PASSWORD=$MFA_PASSWORD \
      LAB_DOMAIN_ADMIN_PASSWORD=$DOMAIN_ADMIN_PASSWORD LAB_COST12_PASSWORD=$COST12_PASSWORD \
      LAB_FEDERATION=$FEDERATION LAB_FED_RESEED=$FED_RESEED LAB_FED_KEYSTONE_URL=$FED_KEYSTONE_URL \
      LAB_FED_IDP_URL=$FED_IDP_URL LAB_FED_TRUSTED_DASHBOARDS=$TRUSTED_DASHBOARDS \
      LAB_FED_CLI_CLIENT_SECRET=${FED_CLI_CLIENT_SECRET:-} \
      exec "${tsx[@]}" e2e/lab/seed/seed-lab.ts
  ) || rc=$?
  case $rc in
  0) ;;
  2) die "seeding failed at Keystone" "$KS_LOG" ;;
  3) die "seeding failed at Neutron" "$NT_LOG" ;;
  4) die "seeding failed at the federation's Keystone" "$FED_KS_LOG" ;;
  *) die "seeding failed (e2e/lab/seed/seed-lab.ts, exit $rc)" /dev/null ;;
  esac
}

# ------------------------------------------------------------------------------------------------ check

# check_demo_sees_networks: demo's password token (POST /v3/auth/tokens) lists the seeded networks
# (GET /v2.0/networks). The token travels in a header file (curl -H @file), the request body on
# stdin, so neither shows up in `ps`; the file is removed on exit.
check_demo_sees_networks() {
  local hdr=$RUN/check.$$.hdr tmp=$RUN/check.$$ password body code token names want t0=$EPOCHREALTIME t1
  TOKEN_FILES+=("$hdr" "$tmp.json" "$tmp.headers")
  password=$(jq -r '.users.demo.password // empty' "$LAB_JSON" 2>/dev/null) || true
  [[ -n $password ]] || die "no demo user in $LAB_JSON (run start first)" /dev/null
  body=$(jq -nc --arg p "$password" \
    '{auth:{identity:{methods:["password"],password:{user:{name:"demo",domain:{id:"default"},password:$p}}},
      scope:{project:{name:"demo",domain:{id:"default"}}}}}')
  code=$(curl -sS --max-time 60 -o "$tmp.json" -D "$tmp.headers" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' --data-binary @- "$KEYSTONE_URL/v3/auth/tokens?nocatalog" <<<"$body") || code=000
  [[ $code == 201 ]] || die "POST /v3/auth/tokens (demo@demo) -> HTTP $code: $(head -c 600 "$tmp.json" 2>/dev/null)" "$KS_LOG"
  token=$(awk 'tolower($1) == "x-subject-token:" {print $2}' "$tmp.headers" | tr -d '\r')
  [[ -n $token ]] || die "no X-Subject-Token for demo" "$KS_LOG"
  (
    umask 077
    printf 'X-Auth-Token: %s\n' "$token" >"$hdr"
  )
  t1=$(since "$t0")
  t0=$EPOCHREALTIME
  code=$(curl -sS --max-time 60 -o "$tmp.json" -w '%{http_code}' -H @"$hdr" -H 'Accept: application/json' \
    "$NEUTRON_URL/v2.0/networks") || code=000
  [[ $code == 200 ]] || die "GET /v2.0/networks -> HTTP $code: $(head -c 600 "$tmp.json" 2>/dev/null)" "$NT_LOG"
  names=$(jq -r '[.networks[].name] | sort | join(" ")' "$tmp.json")
  for want in public demo-net-1 demo-net-2 demo-net-3; do
    [[ " $names " == *" $want "* ]] || die "network $want not visible to demo (got: $names)" /dev/null
  done
  log "check ok: demo token ($t1), GET /v2.0/networks -> $(jq '.networks | length' "$tmp.json") networks ($(since "$t0"))"
}

# ------------------------------------------------------------------------------------------------ modes

cmd_start() {
  local t0=$EPOCHREALTIME
  step "packages" install_packages
  write_config
  if fed_is_on; then fed_write_config; fi

  local ks_running=0 nt_running=0 fed_current=1
  if keystone_pid >/dev/null && is_keystone_healthy; then ks_running=1; fi
  if neutron_pid >/dev/null && is_neutron_healthy; then nt_running=1; fi
  if fed_is_on; then
    fed_is_current || fed_current=0
  elif fed_facts_present; then
    fed_current=0 # lab.json must lose its `federation`
  fi
  if ((ks_running && nt_running && fed_current && !KEYSTONE_CONF_CHANGED && !NEUTRON_CONF_CHANGED && !RESEED)) && [[ -s $LAB_JSON ]]; then
    log "already running (keystone $KEYSTONE_URL, neutron $NEUTRON_URL$(fed_is_on && printf ', federation keystone %s, idp %s' "$FED_KEYSTONE_URL" "$FED_IDP_URL")); nothing to do ($(since "$t0"))"
    return 0
  fi

  # A config change (e.g. OSLAB_TOKEN_EXPIRATION) needs a restart; an unhealthy recorded process too.
  if ((!ks_running || KEYSTONE_CONF_CHANGED)); then stop_service keystone "$KS_PID" "$KEYSTONE_PORT"; ks_running=0; fi
  if ((!nt_running || NEUTRON_CONF_CHANGED)); then stop_service neutron "$NT_PID" "$NEUTRON_PORT"; nt_running=0; fi
  ((ks_running)) || ! is_port_open "$KEYSTONE_PORT" || die "port $KEYSTONE_PORT is taken by a process this lab did not start"
  ((nt_running)) || ! is_port_open "$NEUTRON_PORT" || die "port $NEUTRON_PORT is taken by a process this lab did not start"
  if fed_is_on; then fed_prepare; fi

  # First run: the databases, in parallel (they are independent).
  local nt_init_pid="" fed_init_pid=""
  if [[ ! -e $NT/.initialized ]]; then
    log "neutron schema: create_all + stamp heads (background)"
    (init_neutron_db) &
    nt_init_pid=$!
  fi
  if fed_is_on && [[ ! -e $FED_KS/.initialized ]]; then
    log "federation keystone: keys + db_sync + bootstrap (background)"
    FED_RESEED=1
    (fed_init_keystone_db) &
    fed_init_pid=$!
  fi
  if [[ ! -e $KS/.initialized ]]; then
    step "keystone fernet/credential keys + db_sync + bootstrap" init_keystone_db
  fi
  if [[ -n $nt_init_pid ]]; then
    wait "$nt_init_pid" || die "neutron schema creation failed" "$LOGS/neutron-db.log"
    log "neutron schema ready ($(since "$t0") since start)"
  fi
  if [[ -n $fed_init_pid ]]; then
    wait "$fed_init_pid" || die "federation keystone database failed" "$LOGS/federation-keystone-manage.log"
    log "federation keystone database ready ($(since "$t0") since start)"
  fi

  # Neutron needs Keystone only when the first authenticated request arrives: start them all at once.
  ((ks_running)) || start_keystone
  ((nt_running)) || start_neutron
  if fed_is_on; then fed_launch; fi
  ((ks_running)) || wait_healthy keystone keystone_pid is_keystone_healthy "$KS_UWSGI_LOG" 90 "$KS_LAUNCHED_AT"
  ((nt_running)) || wait_healthy neutron neutron_pid is_neutron_healthy "$NT_LOG" 90 "$NT_LAUNCHED_AT"
  if fed_is_on; then fed_wait; fi

  # Seeds when lab.json is missing or invalid or OSLAB_RESEED=1; otherwise records the settings.
  step "seed + lab.json, clouds.yaml, openrc (e2e/lab/seed/seed-lab.ts)" seed_lab
  log "ready in $(since "$t0"): keystone $KEYSTONE_URL/v3, neutron $NEUTRON_URL, clouds.yaml $CLOUDS_YAML, facts $LAB_JSON"
  if fed_is_on; then log "federation: keystone $FED_KEYSTONE_URL/v3, idp $FED_IDP_URL (cloud lab-sso)"; fi
}

cmd_stop() {
  [[ -d $LAB_DIR ]] || { log "nothing to stop ($LAB_DIR does not exist)"; return 0; }
  local t0=$EPOCHREALTIME
  stop_service neutron "$NT_PID" "$NEUTRON_PORT"
  stop_service keystone "$KS_PID" "$KEYSTONE_PORT"
  # Whatever OSLAB_FEDERATION says: a federation an earlier start brought up stops too.
  fed_stop
  log "stopped; ports $KEYSTONE_PORT and $NEUTRON_PORT free$([[ -d $FED ]] && printf ', and %s %s %s' "$FED_KEYSTONE_PORT" "$FED_IDP_PORT" "$FED_IDP_TLS_PORT") ($(since "$t0"))"
}

# report_service LABEL PID_FUNCTION HEALTH_FUNCTION PORT WHERE: one `status` line for a service
# this lab starts; returns 3 when it is down (and says whether another process holds its port).
report_service() {
  local label=$1 pid_of=$2 is_healthy=$3 port=$4 where=$5 pid=""
  if pid=$("$pid_of") && "$is_healthy"; then
    log "$label up   pid $pid  $where"
    return 0
  fi
  if [[ -n $pid ]]; then log "$label DOWN (pid $pid alive but $where does not answer)"
  elif is_port_open "$port"; then log "$label DOWN (port $port held by a process this lab did not start)"
  else log "$label DOWN"; fi
  return 3
}

cmd_status() {
  local rc=0
  report_service keystone keystone_pid is_keystone_healthy "$KEYSTONE_PORT" "$KEYSTONE_URL/v3" || rc=3
  report_service "neutron " neutron_pid is_neutron_healthy "$NEUTRON_PORT" "$NEUTRON_URL/" || rc=3
  if fed_is_on || [[ -d $FED ]]; then fed_status || rc=3; fi
  log "data $LAB_DIR"
  return $rc
}

cmd_check() {
  command -v curl >/dev/null && command -v jq >/dev/null || die "curl and jq are needed (run start first)"
  [[ -d $RUN && -s $LAB_JSON ]] || die "no lab at $LAB_DIR (run start first)"
  check_demo_sees_networks
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
     OSLAB_FEDERATION (1)  OSLAB_TRUSTED_DASHBOARDS (http://127.0.0.1:8181/api/sso/callback,https://localhost:8443/api/sso/callback)
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
  fed_validate_settings
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
