/** The words of single sign-on (Keystone WebSSO), English. */
export const ssoEn = {
  'sso.signIn': 'Sign in with {label}',
  'sso.or': 'or with a password',
  'sso.intro':
    'You go to your identity provider to sign in, then back here to choose a project. Keystone gives you the projects your groups are mapped to.',
  'sso.keystoneError':
    'If the round trip ends on a Keystone error page (401, "Could not map any roles" or "no mapping"), your account is not mapped to this cloud: ask its operators to add your group to the federation mapping, then come back here.',
  'sso.error.forbidden':
    'The single sign-on did not start in this browser, took longer than 10 minutes, or did not come from the cloud’s Keystone. Start it again.',
  'sso.reason.not_started':
    'The single sign-on did not start in this browser, or the round trip took longer than 10 minutes. Start it again.',
  'sso.reason.replayed':
    'This single sign-on was completed already (in another tab?). Start it again if you need to.',
  'sso.reason.foreign_origin':
    'The token did not come from this cloud’s Keystone. Start the sign-in again; if it keeps happening, tell the cloud’s operators.',
  'sso.reason.cross_site_start': 'Single sign-on starts from this page only: use the button below.',
  'sso.error.invalid_credentials':
    'Keystone did not accept the token your identity provider gave (expired, revoked, or not a single sign-on token of this cloud). Sign in with SSO again.',
  'sso.error.not_found': 'This cloud does not offer single sign-on (any more).',
  'sso.error.rate_limited':
    'Too many refused single sign-on attempts from this address. Try again in a minute.',
  'sso.error.upstream_unavailable':
    'The cloud’s Keystone cannot be reached right now. Try again in a moment.',
  'sso.error.upstream_error':
    'The cloud’s Keystone gave an answer API Access could not use. Try again, or tell its operators.',
  'sso.error.store_unavailable': 'The session store cannot be reached right now. Try again in a moment.',
  'sso.error.other': 'Single sign-on did not complete. Start it again.',
  'sso.session.title': 'Signed in through single sign-on',
  'sso.session.body':
    'This token cannot be extended: a new lifetime needs another round trip through your identity provider (often one click, while its own session lasts).',
  'sso.session.ending': 'The token ends soon. Renew it through your identity provider to keep working.',
  'sso.session.renew': 'Renew through SSO',
  'sso.session.scripts':
    'For scripts and the CLI, create an application credential: it does not depend on this sign-in.',
  'sso.session.credentialsLink': 'Create an application credential',
} as const;
