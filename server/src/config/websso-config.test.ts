import { describe, expect, it } from 'vitest';
import { webSsoDeploymentWarnings } from './websso-config.js';

const websso = { protocol: 'openid', identityProvider: null, label: 'SSO' };
const corp = { name: 'corp', authUrl: 'https://keystone.corp.example:5000/v3', websso };

describe('webSsoDeploymentWarnings (said at start when a cloud offers single sign-on)', () => {
  it('says nothing without an SSO cloud, or for a sound deployment', () => {
    expect(
      webSsoDeploymentWarnings('http://127.0.0.1:8080', false, [{ name: 'x', authUrl: corp.authUrl }]),
    ).toEqual([]);
    expect(webSsoDeploymentWarnings('https://api-access.example.com', true, [corp])).toEqual([]);
    // The lab: Keystone and the BFF on one site over plain http.
    expect(
      webSsoDeploymentWarnings('http://127.0.0.1:8181', false, [
        { ...corp, authUrl: 'http://127.0.0.1:5100/v3' },
      ]),
    ).toEqual([]);
  });

  it('names an https PUBLIC_URL without SECURE_COOKIES, and a Keystone on another site', () => {
    const warnings = webSsoDeploymentWarnings('https://api-access.example.com', false, [corp]);
    expect(warnings.join('\n')).toMatch(/SECURE_COOKIES is off/);
    expect(warnings.join('\n')).toMatch(
      /cloud "corp": its Keystone \(keystone\.corp\.example:5000\) is on another site/,
    );
  });

  it('names SECURE_COOKIES with an http PUBLIC_URL', () => {
    expect(webSsoDeploymentWarnings('http://127.0.0.1:8080', true, [corp]).join('\n')).toMatch(
      /PUBLIC_URL is http:\/\/127\.0\.0\.1:8080/,
    );
  });
});
