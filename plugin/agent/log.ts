// One JSON line per event on stdout; nothing per request unless INTERCEPT_LOG_REQUESTS is set.

export type LogFields = Record<string, string | number | boolean | undefined>;

export function log(event: string, fields: LogFields = {}): void {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), event, ...fields }) + '\n');
}
