#!{{PYTHON}}
# Rendered by e2e/lab/openstack-lab.sh: neutron-db-manage lives in neutron-common (not installed).
import sys
from neutron.db.migration.cli import main
sys.exit(main())
