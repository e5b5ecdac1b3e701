import type { SessionHandle } from '../../auth/auth-state.js';
import type { Cloud } from '../../auth/cloud-directory.js';
import type { AuthServices } from '../../auth/create-auth-services.js';
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
import { SSO_MARKER_LIFETIME_MS, type SsoMarkerSigner } from './sso-marker.js';
import { openPreviousSession, sealPreviousSession, type PreviousSession } from './sso-previous-session.js';
import { SsoRefusedError } from './sso-refused-error.js';

/** What the callback was given: Keystone's form field, the request's Origin and the marker cookie. */
export interface SsoCallback {
  token: string;
  origin: string | undefined;
  marker: unknown;
}

export interface SsoServiceOptions {
  markers: SsoMarkerSigner;
  callbackUrl: string;
  /** Removes a session record from the store (the one a cross-site renewal replaced). */
  destroyStoredSession: (id: string) => Promise<void>;
  logger: Logger;
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
    private readonly options: SsoServiceOptions,
  ) {}

  /** Where to send the browser, and the marker cookie for it. */
  start(session: SessionHandle, cloudName: string): { location: string; marker: string } {
    const { cloud, websso } = this.webSsoCloud(cloudName);
    const marker = this.options.markers.issue(
      {
        cloud: cloudName,
        sealedPreviousSession: sealPreviousSession(this.auth.secretBox, session.id, session.auth),
      },
      this.auth.now(),
    );
    return { location: webSsoUrl(cloud.config.identity.rootUrl, websso, this.options.callbackUrl), marker };
  }

  /**
   * The callback: the marker and the Origin first (no Keystone call for a post this browser did
   * not start), then Keystone's own word on the token, then a new session as for any unscoped
   * sign-in, scoped back to the project a renewal started from when the same user came back.
   */
  async complete(session: SessionHandle, callback: SsoCallback): Promise<SessionInfo> {
    const now = this.auth.now();
    const marker = this.options.markers.read(callback.marker, now);
    if (!marker) throw this.refuse(new SsoRefusedError('not_started'), marker);
    const { cloud, websso } = this.webSsoCloud(marker.cloud);
    const expected = keystoneOrigin(cloud);
    if (callback.origin !== expected) {
      this.options.logger.info(
        { cloud: cloud.config.name, origin: callback.origin ?? null, expected },
        'single sign-on refused: the post did not come from the cloud’s Keystone',
      );
      throw new SsoRefusedError('foreign_origin');
    }
    // Taken once, across replicas: the cookie is cleared in the browser, and a copy replayed is refused here.
    if ((await this.auth.windows.hit(`sso-marker:${marker.nonce}`, 1, SSO_MARKER_LIFETIME_MS, now)) > 0)
      throw this.refuse(new SsoRefusedError('replayed'), marker);
    const issued = await this.validate(cloud, websso, callback.token);
    const previous = openPreviousSession(this.auth.secretBox, marker.sealedPreviousSession);
    const info = await this.auth.opener.open(session, cloud, {
      obtained: { issued, receivedAtMs: this.auth.now(), catalog: issued.catalog },
      regionName: cloud.config.defaults.regionName ?? null,
      username: issued.user.name,
      secret: null,
      applicationCredentialId: null,
      requiresPasscode: false,
      signInMethod: 'websso',
    });
    if (previous && previous.id !== session.id) this.retire(previous);
    const isSameUser = previous?.cloud === cloud.config.name && previous.userId === issued.user.id;
    if (!isSameUser || !previous.projectId) return info;
    return (await this.returnToProject(session, previous.projectId)) ?? info;
  }

  private refuse(error: SsoRefusedError, marker: unknown): SsoRefusedError {
    this.options.logger.info({ reason: error.reason, hasMarker: marker !== null }, 'single sign-on refused');
    return error;
  }

  /**
   * The session a "renew through SSO" started from. Same-site, its cookie came with the callback
   * and the opener retired it already (this is then a no-op); cross-site it did not, and its tokens
   * would outlive it in a record nobody holds a cookie for. Revoked at its own cloud's Keystone,
   * in the background like the opener's.
   */
  private retire(previous: PreviousSession): void {
    const identity = this.auth.clouds.find(previous.cloud)?.identity ?? null;
    void this.auth.ledger
      .closeAndRevoke(previous.id, identity)
      .then(() => this.options.destroyStoredSession(previous.id))
      .catch((error: unknown) => {
        this.options.logger.warn(
          { err: { message: (error as Error).message } },
          'retiring the session single sign-on replaced failed',
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
      // 401/404: expired, revoked or not its own; 403: its policy lets no one validate it.
      if (error instanceof TokenExpiredError || error instanceof ForbiddenError) {
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
   * Back to the project a renewal left (the token method: Keystone keeps the expiry). When the user
   * lost it, or the rescope fails, the session stays unscoped and the picker shows what is left.
   */
  private async returnToProject(session: SessionHandle, projectId: string): Promise<SessionInfo | null> {
    try {
      return await this.auth.access.switchScope(session, { id: projectId });
    } catch (error) {
      this.options.logger.info(
        { reason: (error as Error).message },
        'single sign-on renewal could not return to the earlier project',
      );
      return null;
    }
  }
}

/** The origin Keystone's WebSSO pages are served from: the cloud's auth URL's. */
function keystoneOrigin(cloud: Cloud): string {
  return new URL(cloud.config.authUrl).origin;
}
