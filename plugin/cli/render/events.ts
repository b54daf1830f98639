// Plain-line and JSON-line printers of the engine's events (the non-interactive front-ends).
// Pure: each takes an event and returns the text for stdout and/or stderr, or nothing.
import type { EngineEvent, InterceptInfo } from '../../engine/events.js';
import { envOverridesText, type EnvOverridesApplied } from '../../engine/env-overrides.js';
import { matchText, NON_HTTP_NOTE } from '../../engine/intercept-match.js';
import { interceptPorts } from '../../engine/intercept-ports.js';
import { isGlobal } from '../../protocol/matcher.js';

export interface Printed {
  stdout?: string;
  stderr?: string;
}

export function interceptSummary(info: InterceptInfo, state: string, env?: EnvOverridesApplied): string {
  return [
    `Intercept ${info.name}: ${state}`,
    `  workload:      ${info.kind.toLowerCase()}/${info.workload} (namespace ${info.namespace}, container ${info.container})`,
    ...portLines(info),
    `  match:         ${matchText(info.match, info.mirror)}`,
    ...(interceptPorts(info).length > 1 && !isGlobal(info.match) ? [`  note:          ${NON_HTTP_NOTE}`] : []),
    ...(info.outbound ? outboundLines(info.outbound) : []),
    ...(env ? [`  environment:   the pod's (container ${info.container}); ${envOverridesText(env)}`] : []),
  ].join('\n') + '\n';
}

/** One port: where it goes, and which Service port it is; several: a line each. */
function portLines(info: InterceptInfo): string[] {
  const ports = interceptPorts(info);
  if (ports.length === 1) {
    return [`  destination:   ${info.localTarget.host}:${info.localTarget.port}`, `  service port:  ${info.service}:${info.servicePort} → app port ${info.appPort}`];
  }
  return ports.map((p) => `  port:          ${p.service}:${p.servicePort} → app port ${p.appPort}, to ${p.localTarget.host}:${p.localTarget.port}`);
}

/** Where the local process reaches the cluster from: the proxy, then each --forward. */
function outboundLines(o: NonNullable<InterceptInfo['outbound']>): string[] {
  return [
    `  outbound:      proxy ${o.proxy} (socks5h://${o.proxy}, http://${o.proxy}; -- COMMAND gets HTTP_PROXY, HTTPS_PROXY, ALL_PROXY)`,
    ...o.forwards.map((f) => `  forward:       ${f.local} → ${f.service}:${f.port}`),
  ];
}

/** One outbound connection: where to, what the pod reached, bytes each way, or why it failed. */
export function outboundLine(e: Extract<EngineEvent, { type: 'outbound' }>): string {
  const reached = e.address && e.address !== e.destination ? ` (${e.address})` : '';
  const result = e.error ? `error: ${e.error}` : `${e.bytesSent}B sent, ${e.bytesReceived}B received`;
  return `${clock(e.start)} OUT ${e.destination}${reached} via ${e.via} → ${result} ${durationText(e.durationMs)}${e.pod ? ` pod ${e.pod}` : ''}\n`;
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

export function durationText(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}

/** One line per event for a reader (non-TTY stdout, logs): requests on stdout, the rest on stderr. */
export function lineFor(e: EngineEvent): Printed {
  switch (e.type) {
    case 'progress':
      // Looking up and registering take milliseconds: a line each would only sit above every
      // error about bad input. The TUI's step list and -o json still show them.
      if (e.step === 'resolve' || e.step === 'lease') return {};
      return { stderr: `${e.message}\n` };
    case 'intercept':
      if (e.state === 'active') return { stdout: interceptSummary(e.info, 'active', e.env) };
      if (e.state === 'failed') return {};
      if (e.state === 'left') return { stderr: `left intercept ${e.info.name}\n` };
      if (e.state === 'leaving') return { stderr: `leaving intercept ${e.info.name}\n` };
      return {};
    case 'tunnel':
      return { stderr: `tunnel to pod ${e.pod}: ${e.state}${e.reason ? ` (${e.reason})` : ''}\n` };
    case 'traffic-start':
      return {};
    case 'traffic': {
      const what = e.method ? `${e.method} ${e.path ?? ''}` : e.protocol.toUpperCase();
      const result = e.error ? `error: ${e.error}` : e.status !== undefined ? String(e.status) : `${e.bytesIn}B in, ${e.bytesOut}B out`;
      // A mirror's answer went nowhere: the caller was answered by the pods, so the line says so.
      const copy = e.mirror ? `COPY ${e.requestCut ? '(body cut) ' : ''}` : '';
      return { stdout: `${clock(e.start)} ${copy}${what} → ${result} ${durationText(e.durationMs)} pod ${e.pod}\n` };
    }
    case 'warning':
      return { stderr: `warning: ${e.pod ? `pod ${e.pod}: ` : ''}${e.message}\n` };
    case 'counts':
      return {};
    case 'outbound':
      return { stdout: outboundLine(e) };
  }
}

/** `-o json`: every event as one JSON line on stdout; unmasked headers (for a HAR file) never. */
export function jsonLineFor(e: EngineEvent): Printed {
  if (e.type === 'traffic' && e.secrets) {
    const { secrets: _, ...masked } = e;
    return { stdout: JSON.stringify(masked) + '\n' };
  }
  return { stdout: JSON.stringify(e) + '\n' };
}
