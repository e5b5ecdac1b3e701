# Rendered by e2e/lab/federation-lab.sh. mod_wsgi does not copy Apache's SetEnv into os.environ,
# so the config directory is set here, before Keystone reads its configuration.
# Rewriting this file restarts the mod_wsgi daemons (script reloading): the lab script only
# rewrites it when its content changes.
import os

os.environ['OS_KEYSTONE_CONFIG_DIR'] = '{{FED_KS}}'

from keystone.server.wsgi import initialize_public_application  # noqa: E402

application = initialize_public_application()
