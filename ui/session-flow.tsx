// One intercept session through its screens: progress while starting, the live traffic view
// while holding, progress again while leaving and restoring, and an error panel on failure.
// It reports the exit code through onExit; run-tui.tsx owns the terminal.
import { useCallback, useEffect, useRef, useState } from 'react';
import { resolve } from 'node:path';
import { writeEnvFile } from '../plugin/engine/env-file.js';
import { harEntry } from '../plugin/har/entry.js';
import { targetText } from '../plugin/har/replay.js';
import type { HarEntry } from '../plugin/har/types.js';
import { writeHar } from '../plugin/har/writer.js';
import { DEFAULT_ENV_SYNTAX, type EnvSyntax } from '../plugin/engine/env-syntax.js';
import type { InterceptInfo } from '../plugin/engine/events.js';
import { describeError } from '../plugin/errors.js';
import type { HeaderInfo } from './components/Header.js';
import { useEngine, type UseEngineOptions } from './hooks/use-engine.js';
import { useScreenSize, type ScreenSize } from './hooks/use-screen-size.js';
import type { TuiSession } from './session.js';
import { ProgressView } from './views/ProgressView.js';
import type { TrafficRow } from './state/traffic.js';
import { TrafficView } from './views/TrafficView.js';

/** 128 + the signal's number, as shells report a process ended by it. */
export const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export type Phase = 'starting' | 'holding' | 'leaving' | 'failed';

export interface SessionFlowProps {
  session: TuiSession;
  header: HeaderInfo;
  /** Where `e` writes the environment, in envSyntax (default DEFAULT_ENV_SYNTAX). */
  envFile: string;
  envSyntax?: EnvSyntax;
  /** Called once at the end, with the exit code and what to print once the screen is gone. */
  onExit: (code: number, message?: string) => void;
  /** Aborted to leave from outside (SIGTERM, SIGINT without a raw TTY). */
  leaveSignal?: AbortSignal;
  size?: ScreenSize;
  engine?: UseEngineOptions;
  inputActive?: boolean;
  /** Where `w` writes HAR files; the current folder by default. */
  harDir?: string;
}

export function SessionFlow({ session, header, envFile, envSyntax = DEFAULT_ENV_SYNTAX, onExit, leaveSignal, size: fixedSize, engine, inputActive = true, harDir }: SessionFlowProps) {
  const view = useEngine(session.events, engine);
  const size = useScreenSize(fixedSize);
  const [phase, setPhase] = useState<Phase>('starting');
  /** Why the intercept ended when it was not the user here (a `leave` from elsewhere). */
  const [endedBy, setEndedBy] = useState<string | undefined>(undefined);
  const exitCode = useRef(0);
  const exitMessage = useRef<string | undefined>(undefined);
  const info = useRef<InterceptInfo | undefined>(undefined);
  const leaving = useRef(false);
  const { dispatch } = view;

  const fail = useCallback(
    (err: unknown, code?: number) => {
      const d = describeError(err);
      exitCode.current = code ?? d.exitCode;
      exitMessage.current = `error: ${d.message}\n${d.hint ? `  ${d.hint}\n` : ''}`;
      dispatch({ type: 'failure', failure: { message: d.message, ...(d.hint ? { hint: d.hint } : {}) } });
      setPhase('failed');
    },
    [dispatch],
  );

  const leave = useCallback(
    (code: number, reason?: string) => {
      if (leaving.current) return;
      leaving.current = true;
      exitCode.current = code;
      setEndedBy(reason);
      setPhase('leaving');
      // Leaving while starting: the session stops the start's waiting, then undoes it (like the CLI).
      void session
        .leave()
        .then(
          () => onExit(exitCode.current, info.current ? `${reason ? `${reason}; ` : ''}left intercept ${info.current.name}\n` : undefined),
          (err: unknown) => fail(err),
        );
    },
    [session, onExit, fail],
  );

  useEffect(() => {
    let live = true;
    void session.start().then(
      (i) => {
        info.current = i;
        if (live && !leaving.current) setPhase('holding');
      },
      (err: unknown) => {
        if (live && !leaving.current) fail(err);
      },
    );
    void session.lost().then((reason) => {
      if (live) leave(0, reason);
    });
    return () => {
      live = false;
    };
    // The session starts once per mount.
  }, [session]);

  useEffect(() => {
    if (!leaveSignal) return;
    const onAbort = () => leave(SIGNAL_EXIT[String(leaveSignal.reason)] ?? 143);
    if (leaveSignal.aborted) onAbort();
    leaveSignal.addEventListener('abort', onAbort, { once: true });
    return () => leaveSignal.removeEventListener('abort', onAbort);
  }, [leaveSignal, leave]);

  const writeEnv = useCallback(async (path: string) => {
    const { written, leftOut } = await writeEnvFile(path, await session.env(), envSyntax);
    // Names only: values may be secrets.
    return `wrote ${written} variables to ${path}` + (leftOut.length ? `; left out (${envSyntax} cannot hold them): ${leftOut.map((l) => l.name).join(', ')}` : '');
  }, [session, envSyntax]);

  const common = { header, size, inputActive };
  const target = view.state.traffic.intercept?.info.localTarget;
  const writeListed = useCallback(async (rows: TrafficRow[]) => {
    const path = resolve(harDir ?? '.', harFileName(new Date()));
    const entries = rows.map((r) => harEntry(r)).filter((e): e is HarEntry => e !== undefined);
    const n = writeHar(path, entries, target ? { localTarget: targetText(target) } : {});
    return `wrote ${n} requests to ${path} (credentials masked)`;
  }, [target, harDir]);

  if (phase === 'holding') return <TrafficView {...common} view={view} onLeave={() => leave(0)} envFile={envFile} onWriteEnv={writeEnv} onWriteHar={writeListed} />;
  if (phase === 'failed') return <ProgressView {...common} progress={view.state.progress} title="The intercept failed" quitLabel="exit" onQuit={() => onExit(exitCode.current, exitMessage.current)} />;
  if (phase === 'leaving') return <ProgressView {...common} progress={view.state.progress} title={endedBy ? `${endedBy}: leaving…` : 'Leaving: restoring the workload…'} quitLabel="(wait)" onQuit={() => undefined} />;
  return <ProgressView {...common} progress={view.state.progress} title="Starting the intercept…" quitLabel="cancel" onQuit={() => leave(130)} />;
}

/** `intercept-20260102-030405.har`: a new name each second, sorting by time. */
export function harFileName(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `intercept-${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}.har`;
}
