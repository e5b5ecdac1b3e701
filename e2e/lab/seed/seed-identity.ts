import { z } from 'zod';
import { callOpenStack, runInLanes } from './call-openstack.js';

/**
 * Regions, projects, users and role assignments in domain Default, over Keystone's REST API
 * (https://docs.openstack.org/api-ref/identity/v3/). Idempotent: everything is looked up by name
 * first and created only when missing, so a second run changes nothing.
 */

export const labRegions = ['RegionOne', 'RegionTwo'] as const;
export const labProjects = ['admin', 'service', 'demo', 'other'] as const;
export const labUsers = ['admin', 'demo', 'neutron', 'mfa', 'domain-admin', 'demo-cost12'] as const;
const labRoles = ['admin', 'member', 'reader'] as const;

export type LabProject = (typeof labProjects)[number];
export type LabUser = (typeof labUsers)[number];
type LabRole = (typeof labRoles)[number];

/**
 * user on project with role. admin's system-scope role comes from `keystone-manage bootstrap`;
 * domain-admin has no project at all, only admin on domain Default (domainGrants).
 */
const grants: readonly [LabUser, LabProject, LabRole][] = [
  ['admin', 'admin', 'admin'],
  ['demo', 'demo', 'member'],
  ['demo', 'other', 'member'],
  ['neutron', 'service', 'admin'],
  ['mfa', 'demo', 'member'],
  // Like demo on demo, with a password hash of Keystone's default cost (seed-default-cost-hash.ts).
  ['demo-cost12', 'demo', 'member'],
];

/** user on domain with role: a domain admin, whose only scope is the domain. */
const domainGrants: readonly [LabUser, 'default', LabRole][] = [['domain-admin', 'default', 'admin']];

export interface IdentityIds {
  projects: Record<LabProject, string>;
  users: Record<LabUser, string>;
}

const named = z.object({ id: z.string(), name: z.string() });
const regionList = z.object({ regions: z.array(z.object({ id: z.string() })) });
const projectList = z.object({ projects: z.array(named) });
const roleList = z.object({ roles: z.array(named) });
const userList = z.object({ users: z.array(named) });
const createdProject = z.object({ project: named });
const createdUser = z.object({ user: named });

function idByName(list: { id: string; name: string }[], name: string): string | undefined {
  return list.find((item) => item.name === name)?.id;
}

export async function seedIdentity(
  keystoneUrl: string,
  adminToken: string,
  passwords: Record<LabUser, string>,
): Promise<IdentityIds> {
  const v3 = `${keystoneUrl}/v3`;
  const keystone = { service: 'keystone', token: adminToken } as const;
  const get = <T>(path: string, schema: z.ZodType<T>) =>
    callOpenStack('GET', `${v3}${path}`, { ...keystone, expect: [200], schema }).then(
      (answer) => answer.body,
    );

  // The lists are independent: one round trip per uwsgi worker instead of five in a row. Listing
  // regions avoids probing GET /v3/regions/RegionTwo, whose 404 Keystone logs as an ERROR with a
  // traceback (pitfall 11 in the lab notes).
  const [regions, projects, roles, users] = await Promise.all([
    get('/regions', regionList),
    get('/projects?domain_id=default', projectList),
    get('/roles', roleList),
    get('/users?domain_id=default', userList),
    // Domain Default (id `default`) comes from `keystone-manage bootstrap`; make sure.
    callOpenStack('GET', `${v3}/domains/default`, { ...keystone, expect: [200] }),
  ]);

  // https://docs.openstack.org/api-ref/identity/v3/#create-region (RegionOne comes from bootstrap)
  const missingRegions = labRegions.filter((id) => !regions.regions.some((region) => region.id === id));
  await runInLanes(missingRegions, 2, async (id) => {
    await callOpenStack('POST', `${v3}/regions`, {
      ...keystone,
      json: { region: { id, description: `Lab ${id}` } },
      expect: [201],
    });
  });

  const projectIds: Partial<Record<LabProject, string>> = {};
  await runInLanes(labProjects, 2, async (name) => {
    projectIds[name] =
      idByName(projects.projects, name) ??
      (
        await callOpenStack('POST', `${v3}/projects`, {
          ...keystone,
          json: {
            project: { name, domain_id: 'default', enabled: true, description: `Lab project ${name}` },
          },
          expect: [201],
          schema: createdProject,
        })
      ).body.project.id;
  });

  // Bootstrap creates admin, member and reader, with admin implying member implying reader.
  const roleIds = Object.fromEntries(
    labRoles.map((name) => {
      const id = idByName(roles.roles, name);
      if (!id) throw new Error(`role ${name} is missing (keystone-manage bootstrap creates it)`);
      return [name, id];
    }),
  ) as Record<LabRole, string>;

  // No default_project_id: it would turn demo's unscoped login into a project-scoped one.
  const userIds: Partial<Record<LabUser, string>> = {};
  await runInLanes(labUsers, 2, async (name) => {
    userIds[name] =
      idByName(users.users, name) ??
      (
        await callOpenStack('POST', `${v3}/users`, {
          ...keystone,
          json: { user: { name, domain_id: 'default', enabled: true, password: passwords[name] } },
          expect: [201],
          schema: createdUser,
        })
      ).body.user.id;
  });
  const ids = {
    projects: projectIds as Record<LabProject, string>,
    users: userIds as Record<LabUser, string>,
  };

  // PUT is idempotent: 204 whether the assignment is new or not.
  // https://docs.openstack.org/api-ref/identity/v3/#assign-role-to-user-on-project
  await runInLanes(grants, 2, async ([user, project, role]) => {
    await callOpenStack(
      'PUT',
      `${v3}/projects/${ids.projects[project]}/users/${ids.users[user]}/roles/${roleIds[role]}`,
      { ...keystone, expect: [204] },
    );
  });
  // https://docs.openstack.org/api-ref/identity/v3/#assign-role-to-user-on-domain
  await runInLanes(domainGrants, 2, async ([user, domain, role]) => {
    await callOpenStack('PUT', `${v3}/domains/${domain}/users/${ids.users[user]}/roles/${roleIds[role]}`, {
      ...keystone,
      expect: [204],
    });
  });
  return ids;
}
