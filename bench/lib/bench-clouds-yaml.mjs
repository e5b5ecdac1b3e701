import fs from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * The clouds.yaml the bench's BFFs read: the lab's own `lab` cloud (demo on project demo) and
 * `lab-cost12` (the same for the user whose password hash has Keystone's default cost), and nothing
 * else. The lab is shared: other developers' seeds add clouds that this tree's BFF may not know
 * yet, and a BFF refuses a clouds.yaml with a cloud it cannot read.
 */
export function writeBenchCloudsYaml(lab, dir) {
  const labClouds = parse(fs.readFileSync(lab.cloudsYaml, 'utf8')).clouds;
  const clouds = { lab: labClouds.lab };
  if (lab.users.cost12) {
    clouds['lab-cost12'] = {
      ...labClouds.lab,
      auth: { ...labClouds.lab.auth, username: lab.users.cost12.name },
    };
  }
  const file = path.join(dir, 'lab-clouds.yaml');
  fs.writeFileSync(file, `# npm run bench: from ${lab.cloudsYaml} and lab.json\n${stringify({ clouds })}`, {
    mode: 0o600,
  });
  return file;
}
