/**
 * Sending a code or a link, for the providers that send them: the send
 * bucket's token was leased with what is sent (`codes.create`); a delivered
 * message makes it count, a send that throws gives it back at once, so only
 * delivered messages count against the address.
 */
import type { AttemptLimit, SignInContext } from "./provider.js";

/** Runs `send`, then settles the send's leased token: counted when delivered, released when it threw. */
export async function deliver(sc: Pick<SignInContext, "ctx" | "component">, limit: AttemptLimit, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (error) {
    await sc.ctx.runMutation(sc.component.limits.settle, { limit, counts: false });
    throw error;
  }
  await sc.ctx.runMutation(sc.component.limits.settle, { limit, counts: true });
}
