#!{{PYTHON}}
# Rendered by e2e/lab/openstack-lab.sh: neutron-server lives in neutron-common, which the lab does
# not install (dbconfig-common, debconf, postinst migrations). A file named neutron-server, not
# `python3 -c`, or oslo.log names the log "<string>.log" (pitfall 9).
import sys
from neutron.cmd.eventlet.server import main
sys.exit(main())
