// The version the build stamps in; running from source reads package.json instead.
import { readFileSync } from 'node:fs';

declare const __INTERCEPT_VERSION__: string | undefined;

export function pluginVersion(): string {
  if (typeof __INTERCEPT_VERSION__ === 'string') return __INTERCEPT_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
