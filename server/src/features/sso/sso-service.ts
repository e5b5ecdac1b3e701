import type { SessionHandle } from '../../auth/auth-state.js';
import type { Cloud } from '../../auth/cloud-directory.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
import { describeSession } from '../../auth/describe-session.js';
import { makeCurrent } from '../../auth/token-access.js';
import { budgetKeyOf } from '../../auth/token-issuer.js';
import type { WebSsoConfig } from '../../config/clouds-config.js';
import type { SessionInfo } from '../../contract/session.js';
import type { IssuedToken } from '../../openstack/keystone/identity-client.js';
import { webSsoUrl } from '../../openstack/keystone/websso-url.js';
import {
  ForbiddenError,
  InvalidCredentialsError,
  NotFoundError,
  TokenExpiredError,
} from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { SsoMarker, SsoMarkerSigner } from './sso-marker.js';

/** The SecretBox context the previous session's id is sealed under (not a session of its own). */
const PREVIOUS_SESSION_CONTEXT = 'sso-previous-session';

/** What the callback was given: Keystone's form field, the request's Origin and the marker cookie. */
export interface SsoCallback {
  token: string;
  origin: string | undefined;
  marker: unknown;
}

/**
 * "Sign in with SSO": Keystone federation in the browser (WebSSO). The start sends the browser to
 * Keystone's websso URL with our callback as `origin`; Keystone, after the identity provider, posts
 * an unscoped token to the callback as an auto-submitted form. That token is untrusted input until
 * its cloud's Keystone validates it, and it is only taken from a browser that started SSO here.
 * https://docs.openstack.org/keystone/latest/admin/federation/configure_federation.html
 */
export class SsoService {
  constructor(
    private readonly auth: AuthServices,
    private readonly markers: SsoMarkerSigner,
    private readonly callbackUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Where to send the browser, and the marker cookie for it. */
  start(session: SessionHandle, cloudName: string): { location: string; marker: string } {
    const { cloud, websso } = this.webSsoCloud(cloudName);
    // "Renew through SSO" from a project: come back to that project.
    const current = session.auth?.cloud === cloudName ? session.auth.current : undefined;
    const marker = this.markers.issue(
      {
        cloud: cloudName,
        projectId: current?.project?.id ?? null,
        sealedPreviousSession: session.auth
          ? this.auth.secretBox.seal(session.id, PREVIOUS_SESSION_CONTEXT)
          : null,
      },
      this.auth.now(),
    );
    return { location: webSsoUrl(cloud.config.identity.rootUrl, websso, this.callbackUrl), marker };
  }

  /**
   * The callback: the marker and the Origin first (no Keystone call for a post this browser did
   * not start), then Keystone's own word on the token, then a new session as for any unscoped
   * sign-in, scoped back to the project a renewal started from when the user still has it.
   */
  async complete(session: SessionHandle, callback: SsoCallback): Promise<SessionInfo> {
    const marker = this.markers.read(callback.marker, this.auth.now());
    if (!marker) {
      throw new ForbiddenError(
        'This sign-in did not start in this browser, or took longer than 10 minutes. Start it again with "Sign in with SSO".',
      );
    }
    const { cloud, websso } = this.webSsoCloud(marker.cloud);
    if (callback.origin !== keystoneOrigin(cloud)) {
      throw new ForbiddenError(
        'The token was not posted by this cloud\'s Keystone. Start the sign-in again with "Sign in with SSO".',
      );
    }
    const issued = await this.validate(cloud, websso, callback.token);
    const receivedAtMs = this.auth.now();
    const info = await this.auth.opener.open(session, cloud, {
      obtained: { issued, receivedAtMs, catalog: issued.catalog },
      regionName: cloud.config.defaults.regionName ?? null,
      username: issued.user.name,
      secret: null,
      applicationCredentialId: null,
      requiresPasscode: false,
      signInMethod: 'websso',
    });
    await this.retirePreviousSession(marker, session.id);
    return (await this.returnToProject(session, cloud, marker)) ?? info;
  }

  /**
   * The session a "renew through SSO" started from. Same-site, its cookie came with the callback
   * and the opener retired it already; cross-site it did not, and its tokens would outlive it in a
   * record nobody holds a cookie for. Revoked in the background like the opener's.
   */
  private async retirePreviousSession(marker: SsoMarker, newId: string): Promise<void> {
    if (!marker.sealedPreviousSession) return;
    let previousId: string;
    try {
      previousId = this.auth.secretBox.open(marker.sealedPreviousSession, PREVIOUS_SESSION_CONTEXT);
    } catch {
      return; // sealed under a key no longer configured: nothing we can find
    }
    if (previousId === newId) return;
    const identity = this.auth.clouds.find(marker.cloud)?.identity ?? null;
    void this.auth.ledger.closeAndRevoke(previousId, identity).catch((error: unknown) => {
      this.logger.warn(
        { err: { message: (error as Error).message } },
        'revoking the session SSO replaced failed',
      );
    });
  }

  private webSsoCloud(name: string): { cloud: Cloud; websso: WebSsoConfig } {
    const cloud = this.auth.clouds.find(name);
    const websso = cloud?.config.websso;
    if (!cloud || !websso) throw new NotFoundError('This cloud does not offer single sign-on.');
    return { cloud, websso };
  }

  /** Keystone's answer on the posted token; only a federated token of this cloud's protocol passes. */
  private async validate(cloud: Cloud, websso: WebSsoConfig, token: string): Promise<IssuedToken> {
    let issued: IssuedToken;
    try {
      issued = await cloud.identity.validateOwnToken(token);
    } catch (error) {
      if (error instanceof TokenExpiredError) {
        throw new InvalidCredentialsError(
          'Keystone does not accept the token it was given (expired, revoked or not its own). Sign in with SSO again.',
        );
      }
      throw error;
    }
    const federation = issued.federation;
    const isExpected =
      federation !== null &&
      federation !== undefined &&
      federation.protocolId === websso.protocol &&
      (websso.identityProvider === null || federation.identityProviderId === websso.identityProvider);
    if (!isExpected || issued.expiresAt.getTime() <= this.auth.now()) {
      throw new InvalidCredentialsError(
        "The token is not a single sign-on token of this cloud's identity provider. Sign in with SSO again.",
      );
    }
    return issued;
  }

  /**
   * Back to the project a renewal left, with the token method (Keystone keeps the expiry). When the
   * user lost it, or the rescope fails, the session stays unscoped and the picker shows what is left.
   */
  private async returnToProject(
    session: SessionHandle,
    cloud: Cloud,
    marker: SsoMarker,
  ): Promise<SessionInfo | null> {
    const auth = session.auth;
    if (!marker.projectId || !auth) return null;
    try {
      const obtained = await this.auth.issuer.rescope(
        cloud,
        this.auth.access.reveal(session, auth.current),
        { id: marker.projectId },
        budgetKeyOf(auth),
      );
      const entry = await this.auth.ledger.record(
        session.id,
        obtained.issued,
        obtained.receivedAtMs,
        cloud.identity,
      );
      makeCurrent(auth, { entry, catalog: obtained.catalog });
      return describeSession(auth);
    } catch (error) {
      this.logger.info(
        { cloud: cloud.config.name, reason: (error as Error).message },
        'SSO renewal could not return to the earlier project',
      );
      return null;
    }
  }
}

/** The origin Keystone's WebSSO pages are served from: the cloud's auth URL's. */
function keystoneOrigin(cloud: Cloud): string {
  return new URL(cloud.config.authUrl).origin;
}
