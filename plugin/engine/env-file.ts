// Writes the container's environment to a file only its owner can read: it holds secrets. A file
// that already exists ends owner-only too (open's mode applies only when it creates the file), and
// its mode is changed after truncating it and before the secrets go in.
import { open } from 'node:fs/promises';
import { formatEnv, type EnvSyntax, type LeftOut } from './env-syntax.js';

export async function writePrivateFile(path: string, text: string): Promise<void> {
  const file = await open(path, 'w', 0o600);
  try {
    await file.chmod(0o600);
    await file.writeFile(text);
  } finally {
    await file.close();
  }
}

/** Writes `env` in `syntax`; says how many variables went in and which were left out. */
export async function writeEnvFile(path: string, env: Record<string, string>, syntax: EnvSyntax): Promise<{ written: number; leftOut: LeftOut[] }> {
  const { text, leftOut } = formatEnv(env, syntax);
  await writePrivateFile(path, text);
  return { written: Object.keys(env).length - leftOut.length, leftOut };
}
