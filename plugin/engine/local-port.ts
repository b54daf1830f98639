// Whether the developer's app listens where intercepted requests will go: checked before an
// intercept rolls out, by the TUI's setup and by the line mode alike. A warning, never a refusal:
// the app may well be started after the intercept.
import { connect } from 'node:net';

/** Whether something accepts TCP connections on host:port. */
export function probeLocalPort(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (yes: boolean) => {
      socket.destroy();
      resolve(yes);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function notListeningText(port: number, host = '127.0.0.1'): string {
  return `nothing listens on ${host}:${port} yet: start your app there (requests fail until then)`;
}
