# Run by e2e/lab/openstack-lab.sh with Debian's python3: `neutron-db-manage upgrade heads` fails on
# sqlite (ALTER of constraints, pitfall 8), so the schema is built from the models, as Neutron's own
# sqlite tests do; the script then stamps the alembic heads.
# Usage: python3 create-neutron-schema.py sqlite:////path/to/neutron.db
import sys

import sqlalchemy
from neutron.db.migration.models import head

engine = sqlalchemy.create_engine(sys.argv[1])
head.get_metadata().create_all(engine)
