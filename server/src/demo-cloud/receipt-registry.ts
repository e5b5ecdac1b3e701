import { randomBytes } from 'node:crypto';

/**
 * Keystone's auth receipts (https://docs.openstack.org/keystone/latest/user/multi-factor-authentication.html):
 * what a user with multi_factor_auth_rules earns when the methods sent are right but not enough. The
 * receipt, sent back in the Openstack-Auth-Receipt header, counts its methods as done for
 * `[receipt] expiration` seconds (300 by default, as in the lab).
 */
export interface DemoReceipt {
  id: string;
  userId: string;
  methods: string[];
  /** On the demo Keystone's own (possibly skewed) clock. */
  issuedAtMs: number;
  expiresAtMs: number;
}

const receiptLifetimeMs = 300_000;

export class ReceiptRegistry {
  readonly #receipts = new Map<string, DemoReceipt>();
  readonly #now: () => number;

  /** `now` is the fake Keystone's clock, the one its tokens use. */
  constructor(now: () => number) {
    this.#now = now;
  }

  issue(userId: string, methods: string[]): DemoReceipt {
    const now = this.#now();
    // Keystone's receipts carry whole seconds, like its Fernet tokens.
    const issuedAtMs = Math.floor(now / 1000) * 1000;
    const receipt: DemoReceipt = {
      id: fernetLikeReceiptId(),
      userId,
      methods,
      issuedAtMs,
      expiresAtMs: issuedAtMs + receiptLifetimeMs,
    };
    this.#prune(now);
    this.#receipts.set(receipt.id, receipt);
    return receipt;
  }

  /** The receipt while it lasts; Keystone says the same "Could not find auth receipt" otherwise. */
  find(id: string): DemoReceipt | undefined {
    const receipt = this.#receipts.get(id);
    return receipt && receipt.expiresAtMs > this.#now() ? receipt : undefined;
  }

  /** Every receipt issued and not yet pruned (tests search logs for them). */
  ids(): string[] {
    return [...this.#receipts.keys()];
  }

  #prune(now: number): void {
    if (this.#receipts.size < 10_000) return;
    for (const [id, receipt] of this.#receipts) if (receipt.expiresAtMs <= now) this.#receipts.delete(id);
  }
}

/** Keystone's receipts are Fernet tokens too: `gAAAAAB…`, 119 characters in the lab. */
function fernetLikeReceiptId(): string {
  return `gAAAAAB${randomBytes(90).toString('base64url')}`.slice(0, 119);
}
