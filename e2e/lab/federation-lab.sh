# shellcheck shell=bash
# The federation part of the OpenStack lab (issue 17, "Sign in with SSO"): sourced by
# e2e/lab/openstack-lab.sh, whose helpers (render, place, launch, stop_service, wait_healthy, log,
# die, step...) it uses. Off with OSLAB_FEDERATION=0.
#
#   127.0.0.1:5100  a second Keystone 22 (own keystone.conf, sqlite, keys under $OSLAB_DIR/federation/)
#                   in Apache 2.4 + mod_wsgi, its federation paths behind mod_auth_openidc
#   127.0.0.1:5101  the lab's OpenID Connect provider (e2e/lab/idp/lab-idp.ts, npm oidc-provider),
#                   issuer http://127.0.0.1:5101, own login form, users alice / bob / carol
#   127.0.0.1:5103  the same IdP over TLS (self-signed), only for mod_auth_openidc's token introspection
#
# Keystone as an OpenID Connect service provider, and why each setting is what it is:
#   https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html
#   https://docs.openstack.org/keystone/latest/admin/federation/mapping_combinations.html
#   /work/shared/federation-lab-notes.md ("federation pitfall N" below refers to its list)
# The federation's data (domain, groups, projects, identity provider, mapping, protocol) comes from
# the seed (e2e/lab/seed/seed-federation.ts), which also writes lab.json's `federation` and the
# `lab-sso` cloud of clouds.yaml.

FEDERATION=${OSLAB_FEDERATION:-1}
# Comma-separated; each one becomes a `[federation] trusted_dashboard` line. 8181 is playwright's
# E2E_PORT default, /api/sso/callback the BFF's WebSSO callback.
TRUSTED_DASHBOARDS=${OSLAB_TRUSTED_DASHBOARDS:-http://127.0.0.1:8181/api/sso/callback,https://localhost:8443/api/sso/callback}

FED_KEYSTONE_PORT=5100
FED_IDP_PORT=5101
FED_IDP_TLS_PORT=5103
FED_KEYSTONE_URL="http://127.0.0.1:${FED_KEYSTONE_PORT}"
FED_IDP_URL="http://127.0.0.1:${FED_IDP_PORT}"
FED_IDP_TLS_URL="https://127.0.0.1:${FED_IDP_TLS_PORT}"

# Apache with mod_wsgi (Keystone) and mod_auth_openidc (the OpenID Connect relying party); openssl
# for the IdP's self-signed TLS certificate.
FED_PACKAGES=(apache2 libapache2-mod-wsgi-py3 libapache2-mod-auth-openidc openssl)
# The user Apache's children and the mod_wsgi daemons (Keystone) run as (Debian's, from apache2).
FED_USER=www-data

FED_TEMPLATE_VARS=(FED FED_KS FED_KS_DB FED_KS_LOG FED_APACHE FED_IDP FED_KEYSTONE_PORT FED_KEYSTONE_URL
  FED_IDP_URL FED_IDP_TLS_URL FED_OIDC_CLIENT_SECRET FED_CRYPTO_PASSPHRASE FED_TRUSTED_DASHBOARD_LINES)

fed_is_on() { [[ $FEDERATION == 1 ]]; }

fed_validate_settings() {
  [[ $FEDERATION == 0 || $FEDERATION == 1 ]] || die "OSLAB_FEDERATION must be 0 or 1, got '$FEDERATION'" /dev/null
  local url pattern='^https?://[^/A-Z[:space:],]+(/[^[:space:],]*)?$'
  IFS=',' read -r -a FED_TRUSTED_DASHBOARD_LIST <<<"$TRUSTED_DASHBOARDS"
  ((${#FED_TRUSTED_DASHBOARD_LIST[@]} > 0)) || die "OSLAB_TRUSTED_DASHBOARDS is empty" /dev/null
  for url in "${FED_TRUSTED_DASHBOARD_LIST[@]}"; do
    # Keystone compares ?origin= with these as strings, after lowercasing only their hostnames.
    [[ $url =~ $pattern ]] ||
      die "OSLAB_TRUSTED_DASHBOARDS: '$url' is not an http(s) URL with a lowercase host" /dev/null
  done
}

fed_set_paths() {
  FED=$LAB_DIR/federation
  FED_KS=$FED/keystone
  FED_KS_DB=$FED_KS/keystone.db
  FED_APACHE=$FED/apache
  FED_IDP=$FED/idp
  FED_KS_LOG=$LOGS/federation-keystone.log
  FED_APACHE_LOG=$LOGS/federation-apache-error.log
  FED_IDP_LOG=$LOGS/federation-idp.log
  FED_APACHE_PID=$RUN/federation-apache.pid
  FED_IDP_PID=$RUN/federation-idp.pid
  FED_SECRETS=$FED/secrets.env
  if fed_is_on; then PACKAGES+=("${FED_PACKAGES[@]}"); fi
}

# ------------------------------------------------------------------------------------------ processes

fed_apache_pid() { our_pid "$FED_APACHE_PID" apache2; }
fed_idp_pid() { our_pid "$FED_IDP_PID" lab-idp; }
is_fed_keystone_healthy() { [[ $(http_code "$FED_KEYSTONE_URL/v3") == 200 ]]; }
is_fed_idp_healthy() {
  [[ $(http_code "$FED_IDP_URL/.well-known/openid-configuration") == 200 ]] &&
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$FED_IDP/tls.crt" \
      "$FED_IDP_TLS_URL/.well-known/openid-configuration" 2>/dev/null || true) == 200 ]]
}

FED_APACHE_LAUNCHED_AT=""
FED_IDP_LAUNCHED_AT=""

fed_start_apache() {
  CURRENT_LOG=$FED_APACHE_LOG
  FED_APACHE_LAUNCHED_AT=$EPOCHREALTIME
  printf '\n==== %s start ====\n' "$(date -Is)" >>"$LOGS/federation-apache.stdout.log"
  # Its own file only: /etc/apache2 stays as Debian installed it and is never read.
  launch "$FED_APACHE_PID" "$LOGS/federation-apache.stdout.log" env -u PYTHONHOME -u PYTHONPATH \
    /usr/sbin/apache2 -f "$FED_APACHE/httpd.conf" -DFOREGROUND
}

fed_start_idp() {
  CURRENT_LOG=$FED_IDP_LOG
  FED_IDP_LAUNCHED_AT=$EPOCHREALTIME
  printf '\n==== %s start ====\n' "$(date -Is)" >>"$FED_IDP_LOG"
  local node
  node=$(command -v node) || die "node is not on PATH" /dev/null
  [[ -d $REPO_DIR/node_modules/oidc-provider && -d $REPO_DIR/node_modules/tsx ]] ||
    die "no oidc-provider or tsx in $REPO_DIR/node_modules: run npm ci there first" /dev/null
  # The secrets travel in the environment, never on a command line.
  (
    cd "$REPO_DIR"
    # shellcheck disable=SC1090
    . "$FED_SECRETS"
    export LAB_IDP_DIR=$FED_IDP LAB_IDP_ISSUER=$FED_IDP_URL LAB_IDP_PORT=$FED_IDP_PORT \
      LAB_IDP_TLS_PORT=$FED_IDP_TLS_PORT LAB_IDP_KEYSTONE_REDIRECT_URI=$FED_KEYSTONE_URL/redirect_uri \
      LAB_IDP_KEYSTONE_CLIENT_SECRET=$FED_OIDC_CLIENT_SECRET LAB_IDP_CLI_CLIENT_SECRET=$FED_CLI_CLIENT_SECRET
    # node itself with tsx's loader (not the tsx CLI, which would add a second node process).
    launch "$FED_IDP_PID" "$FED_IDP_LOG" "$node" --import tsx "$SCRIPT_DIR/idp/lab-idp.ts"
  )
}

fed_stop_idp() {
  stop_service federation-idp "$FED_IDP_PID" "$FED_IDP_PORT" lab-idp
  wait_port_free "$FED_IDP_TLS_PORT" federation-idp
}

fed_stop_apache() { stop_service federation-apache "$FED_APACHE_PID" "$FED_KEYSTONE_PORT" apache2; }

# ---------------------------------------------------------------------------------------------- config

# Lab-only secrets, generated once per federation directory (mode 600): the OpenID Connect client
# secrets of Keystone's relying party (keystone-fedlab) and of the CLI (openstack-cli), and
# mod_auth_openidc's cookie encryption key.
fed_ensure_secrets() {
  if [[ ! -s $FED_SECRETS ]]; then
    (
      umask 077
      printf 'FED_OIDC_CLIENT_SECRET=%s\nFED_CLI_CLIENT_SECRET=%s\nFED_CRYPTO_PASSPHRASE=%s\n' \
        "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
        "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$FED_SECRETS"
    )
  fi
  # shellcheck disable=SC1090
  . "$FED_SECRETS"
}

# The IdP's self-signed certificate for 127.0.0.1 (SAN IP:127.0.0.1), which httpd.conf trusts
# (OIDCCABundlePath) for the introspection call (federation pitfall 1).
fed_ensure_tls() {
  [[ -s $FED_IDP/tls.crt && -s $FED_IDP/tls.key ]] && return 0
  CURRENT_LOG=$LOGS/federation-openssl.log
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj '/CN=127.0.0.1' \
      -addext 'subjectAltName=IP:127.0.0.1' -keyout "$FED_IDP/tls.key" -out "$FED_IDP/tls.crt" \
      >>"$CURRENT_LOG" 2>&1
  )
  # Read by Apache's children (www-data) when they call the introspection endpoint.
  chmod 644 "$FED_IDP/tls.crt"
}

fed_keystone_conf() {
  local url
  FED_TRUSTED_DASHBOARD_LINES=""
  for url in "${FED_TRUSTED_DASHBOARD_LIST[@]}"; do
    FED_TRUSTED_DASHBOARD_LINES+="trusted_dashboard = $url"$'\n'
  done
  FED_TRUSTED_DASHBOARD_LINES=${FED_TRUSTED_DASHBOARD_LINES%$'\n'}
  render federation/keystone.conf
  if [[ $FAST_HASH == 1 ]]; then render keystone-fast-hash.conf; fi
}

# What makes the IdP process what it is: its settings and its code. A change restarts it (and the
# IdP keeps sessions and tokens in memory only, so only then).
fed_idp_fingerprint() {
  printf 'issuer=%s port=%s tls_port=%s redirect=%s\n' "$FED_IDP_URL" "$FED_IDP_PORT" "$FED_IDP_TLS_PORT" \
    "$FED_KEYSTONE_URL/redirect_uri"
  sha256sum "$FED_SECRETS" "$FED_IDP/tls.crt" | awk '{print $1}'
  (cd "$SCRIPT_DIR/idp" && sha256sum -- *.ts)
}

FED_APACHE_CONF_CHANGED=0
FED_IDP_CONF_CHANGED=0

fed_write_config() {
  # The mod_wsgi daemons run as www-data: they must traverse $OSLAB_DIR (711: no listing; lab.json
  # and the openrc files stay 600) to reach the federation Keystone, whose files they own.
  chmod 711 "$LAB_DIR"
  mkdir -p "$FED" "$FED_KS" "$FED_APACHE/run" "$FED_IDP"
  chmod 755 "$FED" "$FED_APACHE" "$FED_IDP"
  # Apache's children (www-data) connect to the mod_wsgi daemons' sockets in there.
  chmod 755 "$FED_APACHE/run"
  fed_ensure_secrets
  fed_ensure_tls
  local ap=0 idp=0
  if place "$FED_KS/keystone.conf" fed_keystone_conf; then ap=1; fi
  if place "$FED_KS/keystone-public.wsgi" render federation/keystone-public.wsgi; then ap=1; fi
  if place "$FED_KS/sso_callback_template.html" cat "$TEMPLATES/federation/sso_callback_template.html"; then ap=1; fi
  if place "$FED_APACHE/httpd.conf" render federation/httpd.conf; then ap=1; fi
  if place "$FED_IDP/fingerprint" fed_idp_fingerprint; then idp=1; fi
  # httpd.conf holds the client secret and the crypto passphrase; Apache reads it as root.
  chmod 600 "$FED_APACHE/httpd.conf" "$FED_KS/keystone.conf"
  touch "$FED_KS_LOG"
  chown -R "$FED_USER:$FED_USER" "$FED_KS" "$FED_KS_LOG"
  chmod 700 "$FED_KS"
  FED_APACHE_CONF_CHANGED=$ap
  FED_IDP_CONF_CHANGED=$idp
}

# ---------------------------------------------------------------------------------------- database

fed_keystone_manage() {
  env -u PYTHONHOME -u PYTHONPATH /usr/bin/keystone-manage --config-file "$FED_KS/keystone.conf" "$@" \
    >>"$LOGS/federation-keystone-manage.log" 2>&1
}

# As init_keystone_db, for the federation's Keystone; then everything belongs to www-data, the user
# of the mod_wsgi daemons. The data comes from the seed (FED_RESEED=1 tells it the ids changed).
FED_RESEED=0
fed_init_keystone_db() {
  CURRENT_LOG=$LOGS/federation-keystone-manage.log
  rm -rf "$FED_KS_DB" "$FED_KS_DB-wal" "$FED_KS_DB-shm" "$FED_KS/fernet-keys" "$FED_KS/credential-keys"
  make_key_repository "$FED_KS/fernet-keys"
  make_key_repository "$FED_KS/credential-keys"
  fed_keystone_manage db_sync
  sqlite3 "$FED_KS_DB" 'PRAGMA journal_mode=WAL;' >/dev/null
  fed_keystone_manage bootstrap --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-username admin \
    --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
    --bootstrap-region-id RegionOne --bootstrap-admin-url "$FED_KEYSTONE_URL/v3/" \
    --bootstrap-internal-url "$FED_KEYSTONE_URL/v3/" --bootstrap-public-url "$FED_KEYSTONE_URL/v3/"
  chown -R "$FED_USER:$FED_USER" "$FED_KS" "$FED_KS_LOG"
  touch "$FED_KS/.initialized"
}

# ------------------------------------------------------------------------------------------------ modes

# Whether everything of the federation runs with the current config and lab.json describes it.
fed_is_current() {
  fed_apache_pid >/dev/null && is_fed_keystone_healthy && fed_idp_pid >/dev/null && is_fed_idp_healthy &&
    ((!FED_APACHE_CONF_CHANGED && !FED_IDP_CONF_CHANGED)) && [[ -e $FED_KS/.initialized ]] &&
    jq -e '.federation | type == "object"' "$LAB_JSON" >/dev/null 2>&1
}

# Whether lab.json still describes a federation although OSLAB_FEDERATION=0.
fed_facts_present() { jq -e 'has("federation")' "$LAB_JSON" >/dev/null 2>&1; }

# Stops what needs a restart, initializes the database when it is new. Runs before the services start.
FED_APACHE_RUNNING=0
FED_IDP_RUNNING=0
fed_prepare() {
  if fed_apache_pid >/dev/null && is_fed_keystone_healthy; then FED_APACHE_RUNNING=1; fi
  if fed_idp_pid >/dev/null && is_fed_idp_healthy; then FED_IDP_RUNNING=1; fi
  if ((!FED_APACHE_RUNNING || FED_APACHE_CONF_CHANGED)) || [[ ! -e $FED_KS/.initialized ]]; then
    fed_stop_apache
    FED_APACHE_RUNNING=0
  fi
  if ((!FED_IDP_RUNNING || FED_IDP_CONF_CHANGED)); then
    fed_stop_idp
    FED_IDP_RUNNING=0
  fi
}

fed_launch() {
  ((FED_IDP_RUNNING)) || fed_start_idp
  ((FED_APACHE_RUNNING)) || fed_start_apache
}

fed_wait() {
  ((FED_IDP_RUNNING)) || wait_healthy federation-idp fed_idp_pid is_fed_idp_healthy "$FED_IDP_LOG" 60 "$FED_IDP_LAUNCHED_AT"
  ((FED_APACHE_RUNNING)) || wait_healthy federation-apache fed_apache_pid is_fed_keystone_healthy "$FED_APACHE_LOG" 90 "$FED_APACHE_LAUNCHED_AT"
}

fed_stop() {
  [[ -d $FED ]] || return 0
  fed_stop_apache
  fed_stop_idp
}

fed_status() {
  local rc=0
  report_service "federation keystone" fed_apache_pid is_fed_keystone_healthy "$FED_KEYSTONE_PORT" \
    "$FED_KEYSTONE_URL/v3 (apache2 + mod_wsgi + mod_auth_openidc)" || rc=3
  report_service "federation idp     " fed_idp_pid is_fed_idp_healthy "$FED_IDP_PORT" \
    "$FED_IDP_URL (TLS $FED_IDP_TLS_URL)" || rc=3
  return $rc
}
