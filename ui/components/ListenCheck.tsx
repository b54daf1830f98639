// Whether something accepts connections on the local port requests will go to: a warning, not a
// refusal, since the user may start the app after the intercept.
import { Text } from 'ink';
import { useEffect, useState } from 'react';
import { notListeningText } from '../../plugin/engine/local-port.js';

export function ListenCheck({ port, probePort }: { port: number; probePort: (port: number) => Promise<boolean> }) {
  const [listening, setListening] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setListening(undefined);
    void probePort(port).then((yes) => live && setListening(yes));
    return () => {
      live = false;
    };
  }, [port, probePort]);
  if (listening === false) return <Text color="yellow">{notListeningText(port)}</Text>;
  if (listening === true) return <Text color="green">something listens on 127.0.0.1:{port}</Text>;
  return null;
}
