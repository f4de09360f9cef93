/**
 * A TCP connect before handing a URL to pact: an unreachable provider or broker is "the run could
 * not be made" (exit 2) at once, not twenty failed interactions or a minute of the CLI's retries.
 */
import { connect } from "node:net";
import { ToolError } from "../errors.js";

export async function assertReachable(url: string, what: string, timeoutMs = 5000): Promise<void> {
  const { hostname, port, protocol, origin } = new URL(url);
  const host = hostname.replace(/^\[|\]$/g, "");
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port: Number(port || (protocol === "https:" ? 443 : 80)), timeout: timeoutMs });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new ToolError("TARGET_UNREACHABLE", `cannot connect to the ${what} at ${origin} (${reason})`));
    };
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
    socket.once("timeout", () => fail(`no answer in ${timeoutMs} ms`));
    socket.once("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}
