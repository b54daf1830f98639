// Generated name suffixes as k8s.io/apiserver/pkg/storage/names.SimpleNameGenerator makes them:
// 5 characters from an alphabet without vowels and easily confused digits.
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';
const suffixLength = 5;

export function generateSuffix(): string {
  let out = '';
  for (let i = 0; i < suffixLength; i++) out += nameAlphabet[Math.floor(Math.random() * nameAlphabet.length)];
  return out;
}

/** True when `name` is `prefix` plus a suffix generateSuffix could have made. */
export function isGeneratedFrom(name: string, prefix: string): boolean {
  const suffix = name.slice(prefix.length);
  return name.startsWith(prefix) && suffix.length === suffixLength && [...suffix].every((c) => nameAlphabet.includes(c));
}
