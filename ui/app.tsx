// The TUI's root: the setup screens when the command line did not say everything (workload,
// port, match, plan), then the session's screens (progress, live traffic, leave).
import { useState } from 'react';
import { KeysRoot } from './components/KeysRoot.js';
import { useScreenSize } from './hooks/use-screen-size.js';
import type { TuiSession } from './session.js';
import { SessionFlow, type SessionFlowProps } from './session-flow.js';
import { SetupFlow, type SetupOptions } from './views/SetupFlow.js';

/** The session flow's props, except that the session may come from the setup screens. */
export type AppProps = Omit<SessionFlowProps, 'session' | 'envFile'> & {
  /** A session the flags described completely; without it the setup screens run first. */
  session?: TuiSession;
  setup?: SetupOptions;
  /** Where `e` writes the env file unless the setup screens named one. */
  envFile: string;
};

export function App(props: AppProps) {
  return (
    <KeysRoot isActive={props.inputActive ?? true}>
      <Screens {...props} />
    </KeysRoot>
  );
}

function Screens(props: AppProps) {
  const { setup, header, onExit, inputActive } = props;
  const size = useScreenSize(props.size);
  const [chosen, setChosen] = useState<{ session: TuiSession; envFile?: string } | undefined>(undefined);
  const session = props.session ?? chosen?.session;
  if (session) {
    return <SessionFlow {...props} session={session} size={size} envFile={chosen?.envFile ?? props.envFile} />;
  }
  if (!setup) throw new Error('runTui needs a session or setup options');
  return (
    <SetupFlow
      setup={setup}
      header={header}
      size={size}
      inputActive={inputActive}
      onCancel={() => onExit(130, 'cancelled: nothing was changed\n')}
      onChosen={(choice) => setChosen({ session: setup.createSession(choice), ...(choice.envFile ? { envFile: choice.envFile } : {}) })}
    />
  );
}
