// Who intercepts what: registrations of all connected clients, conflict rules, and routing lookups.
// Steals (global or filtered) take a request; mirrors get a copy and never conflict.
import type { ClientHttp2Stream } from 'node:http2';
import type { PortMapping } from './config.js';
import { canonicalKey, compileMatch, describeMatch, validateMatch, type CompiledMatch, type HeaderLookup } from '../protocol/matcher.js';
import type { Registration, RequestMeta } from '../protocol/wire.js';

/** A connected, authenticated client, as the routers see it. */
export interface ClientHandle {
  id: string;
  name: string;
  /** The intercept the client said it serves (hello's `intercept`), if any. */
  intercept?: string;
  /** Opens a traffic stream toward the client; throws when its tunnel is gone. */
  openStream(path: string, meta: RequestMeta, waitForTrailers: boolean): ClientHttp2Stream;
}

export interface Route {
  reg: Registration;
  mapping: PortMapping;
  client: ClientHandle;
  compiled: CompiledMatch;
  key: string;
  /** Order among overlapping filters: when this agent first saw the registration. */
  order: number;
}

const NONE: readonly Route[] = Object.freeze([]);

/** How many first-seen orders are remembered for clients that went away (and may come back). */
const REMEMBERED = 1000;

export class Registry {
  private routes: Route[] = [];
  private seq = 0;
  /**
   * By client name and registration id: a client that reconnects after a network blip keeps its
   * place among overlapping filters instead of going to the back (first registered wins).
   */
  private firstSeen = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly mappings: PortMapping[]) {}

  /** Adds (or replaces the client's own same-id) registration; returns the refusal reason, if any. */
  register(client: ClientHandle, input: Registration): string | undefined {
    if (!input || typeof input.id !== 'string' || !Number.isInteger(input.port)) return 'a registration needs an id (string) and a port (number)';
    const reg: Registration = {
      id: input.id, port: input.port, match: input.match && typeof input.match === 'object' ? input.match : {},
      mirror: input.mirror === true,
    };
    const mapping = this.mappings.find((m) => m.appPort === reg.port) ?? this.mappings.find((m) => m.agentPort === reg.port);
    if (!mapping) {
      const known = this.mappings.map((m) => m.appPort).join(', ');
      return `port ${reg.port} is not fronted by this agent (ports: ${known})`;
    }
    const invalid = validateMatch(reg.match);
    if (invalid) return invalid;
    const compiled = compileMatch(reg.match);
    const key = canonicalKey(reg.match);
    const others = this.routes.filter((r) => r.mapping === mapping && !r.reg.mirror && !(r.client === client && r.reg.id === reg.id));
    for (const other of reg.mirror ? [] : others) {
      const holder = `${other.client.name} (${describeMatch(other.reg.match)})`;
      if (compiled.global && other.compiled.global) return `port ${mapping.appPort} is already intercepted globally by ${holder}`;
      if (compiled.global) return `port ${mapping.appPort} has a filtered intercept by ${holder}; a global intercept would take its traffic`;
      if (other.compiled.global) return `port ${mapping.appPort} is intercepted globally by ${holder}; a filtered intercept cannot share it`;
      if (other.key === key) return `port ${mapping.appPort} already has an intercept with the same match by ${holder}`;
    }
    this.routes = this.routes.filter((r) => !(r.client === client && r.reg.id === reg.id));
    this.routes.push({ reg, mapping, client, compiled, key, order: this.orderOf(`${client.name}\n${reg.id}`) });
    this.routes.sort((a, b) => a.order - b.order);
    for (const listener of this.listeners) listener();
    return undefined;
  }

  /** Calls `listener` after each accepted registration; returns the function that stops it. */
  onRegistered(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The intercepts (by hello's `intercept`) that have at least one registration here. */
  registeredIntercepts(): Set<string> {
    return new Set(this.routes.flatMap((r) => (r.client.intercept ? [r.client.intercept] : [])));
  }

  private orderOf(who: string): number {
    let order = this.firstSeen.get(who);
    if (order === undefined) {
      order = this.seq++;
      this.firstSeen.set(who, order);
      if (this.firstSeen.size > REMEMBERED) this.firstSeen.delete(this.firstSeen.keys().next().value as string);
    }
    return order;
  }

  unregister(client: ClientHandle, id: string): boolean {
    const before = this.routes.length;
    this.routes = this.routes.filter((r) => !(r.client === client && r.reg.id === id));
    return this.routes.length !== before;
  }

  /** Removes every registration of a client; returns how many there were. */
  dropClient(client: ClientHandle): number {
    const before = this.routes.length;
    this.routes = this.routes.filter((r) => r.client !== client);
    return before - this.routes.length;
  }

  /** The global intercept of a port, which also takes its non-HTTP connections. */
  globalRoute(agentPort: number): Route | undefined {
    return this.routes.find((r) => r.mapping.agentPort === agentPort && !r.reg.mirror && r.compiled.global);
  }

  /** Whether any laptop takes requests of this port. */
  intercepted(agentPort: number): boolean {
    return this.routes.some((r) => r.mapping.agentPort === agentPort && !r.reg.mirror);
  }

  /** The oldest steal whose match accepts this request, or undefined (= to the app). */
  route(agentPort: number, headers: HeaderLookup, path: string, method: string): Route | undefined {
    for (const r of this.routes) if (r.mapping.agentPort === agentPort && !r.reg.mirror && r.compiled.test(headers, path, method)) return r;
    return undefined;
  }

  /** Every mirror that wants a copy of this request. */
  mirrors(agentPort: number, headers: HeaderLookup, path: string, method: string): readonly Route[] {
    // Asked for every request: no list is made when (as usual) there is no mirror.
    let found: Route[] | undefined;
    for (const r of this.routes) {
      if (r.mapping.agentPort === agentPort && r.reg.mirror && r.compiled.test(headers, path, method)) (found ??= []).push(r);
    }
    return found ?? NONE;
  }
}
