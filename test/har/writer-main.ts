// A process that records entries into a HAR file as fast as it can until it is killed: the
// crash test's victim.
import { HarFile } from '../../plugin/har/writer.js';
import { harEntry } from '../../plugin/har/entry.js';

const file = HarFile.create(process.argv[2]);
const body = 'x'.repeat(Number(process.argv[3] ?? 100_000));
let n = 0;
function more(): void {
  for (let i = 0; i < 20; i++) {
    file.add(harEntry({
      type: 'traffic', id: String(n), pod: 'p', registration: 'r', protocol: 'http1', start: Date.now(), durationMs: 1, method: 'POST', path: `/n/${n++}`,
      bytesIn: body.length, bytesOut: 0, remote: '', requestHeaders: ['host', 'x'], requestBody: { text: body, mimeType: 'text/plain' }, timings: { send: 1, wait: 0, receive: 0 },
    })!);
  }
  if (n === 20) process.stdout.write('writing\n');
  setImmediate(more);
}
more();
