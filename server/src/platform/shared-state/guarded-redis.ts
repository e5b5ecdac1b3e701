import type { createClient } from 'redis';
import { StoreUnavailableError } from '../errors.js';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * The longest the BFF waits for one Redis reply. Redis answers in well under a millisecond; no
 * reply after this long means a Redis that hangs (stopped, swapping, blocked by a long script, a
 * silent network), and the request gets 503 store_unavailable instead of hanging with it.
 */
export const redisCommandTimeoutMs = 2000;

/** While Redis is unreachable (down, reconnecting), how often to ask whether it is back. */
const probeRetryMs = 250;

/**
 * The one Redis connection of a BFF (sessions, rate windows, single flights), as every caller must
 * use it: a command that fails becomes 503 store_unavailable (Redis down: the client refuses at
 * once, its offline queue being disabled), and so does one without a reply within the deadline
 * (Redis hangs). After a missed deadline, Redis is taken as hanging: commands are refused at once,
 * not sent, until a single PING queued behind the unanswered commands gets its reply. So only the
 * requests that met the hang wait out the deadline, the client's queue stops growing, nothing piles
 * up to run late against Redis when it resumes, and the BFF is back as soon as Redis answers.
 *
 * Hand-rolled because node-redis 5 has no deadline for a command already written to the socket:
 * its `timeout` command option stops counting once the command leaves its write queue, and
 * `socketTimeout` is an idle timer that every new command resets. An abandoned command stays in
 * the client's reply queue, so its late reply is matched to it (replies come in order) and dropped
 * here; it cannot reach another request.
 */
export class GuardedRedis {
  private probe: Promise<void> | null = null;

  constructor(
    readonly client: RedisClient,
    private readonly timeoutMs = redisCommandTimeoutMs,
  ) {}

  /** From a missed deadline until Redis answers again. */
  get isHanging(): boolean {
    return this.probe !== null;
  }

  async send<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    if (this.probe) throw new StoreUnavailableError();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        this.startProbe();
        reject(new StoreUnavailableError());
      }, this.timeoutMs);
    });
    try {
      // race() also handles a late rejection of the command: it is never unhandled.
      return await Promise.race([command(this.client), deadline]);
    } catch {
      throw new StoreUnavailableError();
    } finally {
      clearTimeout(timer);
    }
  }

  private startProbe(): void {
    if (this.probe) return;
    this.probe = (async () => {
      // No deadline on this PING: it is the one command left waiting, and Redis answers it only
      // after every command sent before it, so its reply means Redis is serving again. A refusal
      // (Redis down, reconnecting, the connection reset) is asked again shortly.
      while (this.client.isOpen) {
        const reply = await this.client.ping().catch(() => null);
        if (reply === 'PONG') return;
        await new Promise((resolve) => setTimeout(resolve, probeRetryMs).unref());
      }
    })().finally(() => {
      this.probe = null;
    });
  }
}
