// A TUI demo without a cluster (bundled and run by scripts/bench/tui-demo.mjs): runTui on the real
// terminal over a stand-in session that replays the recorded start, then a steady stream of
// requests (`rate`/s), and the recorded leave when you press q.
import { EventHub } from '../../plugin/engine/event-hub.js';
import type { EngineEvent } from '../../plugin/engine/events.js';
import { DETAILED, INFO, LEAVE, LOCAL_DOWN, request, START } from '../../test/ui/fixtures/events.js';
import { WORKLOADS } from '../../test/ui/fixtures/workloads.js';
import { canRunTui, runTui } from '../../ui/run-tui.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function demoSession(rate: number) {
  const events = new EventHub<EngineEvent>(500);
  let timer: NodeJS.Timeout | undefined;
  return {
    events,
    async start() {
      for (const e of START) {
        events.emit(e);
        await pause(250);
      }
      let n = 0;
      timer = setInterval(() => {
        for (let i = 0; i < Math.max(1, rate / 10); i++, n++) events.emit(n % 97 === 5 ? { ...DETAILED, id: `d${n}`, start: Date.now() } : request(n, { id: `r${n}`, start: Date.now() }));
        if (n % 500 === 0) events.emit(LOCAL_DOWN);
      }, 100);
      return INFO;
    },
    async leave() {
      clearInterval(timer);
      for (const e of LEAVE) {
        events.emit(e);
        await pause(300);
      }
    },
    async env() {
      return { DEMO: '1', DATABASE_URL: 'postgres://demo' };
    },
    lost: () => new Promise<string>(() => {}),
  };
}

export async function demo(rate: number, withSetup: boolean): Promise<number> {
  if (!canRunTui(process.stdin, process.stdout, process.env)) {
    console.error('not a terminal (or CI is set): the TUI does not start');
    return 2;
  }
  const header = { context: 'demo', server: 'https://127.0.0.1:6443', namespace: 'demo', user: 'you' };
  const session = demoSession(rate);
  return runTui(
    withSetup
      ? { header, envFile: '/tmp/tui-demo.env', setup: { listWorkloads: async (namespace: string | undefined) => (namespace === undefined ? [...WORKLOADS, { ...WORKLOADS[0], namespace: 'shop', name: 'cart' }] : WORKLOADS.filter((w) => w.namespace === namespace)), listNamespaces: async () => ['demo', 'shop'], createSession: () => session } }
      : { header, envFile: '/tmp/tui-demo.env', session },
  );
}
