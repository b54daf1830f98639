// Lists a tar.gz or zip with Python's tarfile/zipfile: a reader independent of the release
// script's own writer, as krew's Go readers are.
import { execFileSync } from 'node:child_process';

export interface ArchiveEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  size: number;
}

const LISTER = `
import json, stat, sys, tarfile, zipfile
path = sys.argv[1]
out = []
if path.endswith('.zip'):
    with zipfile.ZipFile(path) as z:
        for i in z.infolist():
            mode = (i.external_attr >> 16) & 0o177777
            kind = 'dir' if i.is_dir() else 'symlink' if stat.S_ISLNK(mode) else 'file'
            out.append({'name': i.filename, 'type': kind, 'mode': mode & 0o777, 'size': i.file_size})
        z.testzip()
else:
    with tarfile.open(path, 'r:gz') as t:
        for m in t.getmembers():
            kind = 'file' if m.isreg() else 'dir' if m.isdir() else 'symlink' if (m.issym() or m.islnk()) else 'other'
            out.append({'name': m.name, 'type': kind, 'mode': m.mode, 'size': m.size})
print(json.dumps(out))
`;

export function listArchive(file: string): ArchiveEntry[] {
  return JSON.parse(execFileSync('python3', ['-c', LISTER, file], { encoding: 'utf8' })) as ArchiveEntry[];
}
