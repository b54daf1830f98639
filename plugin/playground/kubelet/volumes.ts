// Volumes materialised as folders under the pod's directory: configMap, secret, downwardAPI,
// projected (those three sources and serviceAccountToken), emptyDir, and hostPath (used in place).
// Files are replaced atomically (written aside, then renamed), so a reader never sees half a file;
// token volumes are written again when their token is refreshed. A real kubelet also refreshes
// configMap/secret volumes when the object changes (through a `..data` symlink swap); not done here.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { V1ConfigMap, V1KeyToPath, V1Pod, V1Secret, V1Volume, V1DownwardAPIVolumeFile, V1Container } from '@kubernetes/client-node';
import type { EnvSources } from './env.js';
import { fieldRefValue, resourceFieldValue, type RuntimeIPs } from './fieldpath.js';

/** A volume that could not be set up; the message is the FailedMount event's. */
export class MountError extends Error {
  override name = 'MountError';
}

interface FileToWrite {
  relPath: string;
  content: Buffer;
  mode: number;
}

const defaultMode = 0o644;

/** Where volume contents come from: the API objects, and the kubelet's token manager. */
export interface VolumeSources extends EnvSources {
  /** A token for the pod's ServiceAccount, as a serviceAccountToken projection asks for it. */
  serviceAccountToken(pod: V1Pod, audience: string | undefined, expirationSeconds: number): Promise<string>;
}

/** A volume with a serviceAccountToken projection, whose files change when the token is refreshed. */
export function hasTokenProjection(volume: V1Volume): boolean {
  return (volume.projected?.sources ?? []).some((s) => s.serviceAccountToken);
}

/**
 * Writes the pod's volumes (or those `which` picks); returns volume name -> host folder.
 */
export async function materializeVolumes(pod: V1Pod, podDir: string, sources: VolumeSources, ips: RuntimeIPs,
  which: (volume: V1Volume) => boolean = () => true): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const volume of (pod.spec?.volumes ?? []).filter(which)) {
    if (volume.hostPath) {
      paths.set(volume.name, volume.hostPath.path);
      continue;
    }
    const dir = path.join(podDir, 'volumes', volume.name);
    let files: FileToWrite[];
    try {
      files = await volumeFiles(volume, pod, sources, ips);
    } catch (err) {
      throw new MountError(`MountVolume.SetUp failed for volume "${volume.name}" : ${(err as Error).message}`);
    }
    await mkdir(dir, { recursive: true });
    for (const file of files) {
      const target = path.join(dir, file.relPath);
      await mkdir(path.dirname(target), { recursive: true });
      const aside = `${target}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(aside, file.content);
      await chmod(aside, file.mode);
      await rename(aside, target);
    }
    paths.set(volume.name, dir);
  }
  return paths;
}

async function volumeFiles(volume: V1Volume, pod: V1Pod, sources: VolumeSources, ips: RuntimeIPs): Promise<FileToWrite[]> {
  const ns = pod.metadata?.namespace ?? 'default';
  if (volume.emptyDir) return [];
  if (volume.configMap) {
    const src = volume.configMap;
    const cm = await sources.getConfigMap(ns, src.name ?? '');
    return keyedFiles('configmap', src.name ?? '', cm && configMapData(cm), src.items, src.defaultMode ?? defaultMode, src.optional === true);
  }
  if (volume.secret) {
    const src = volume.secret;
    const secret = await sources.getSecret(ns, src.secretName ?? '');
    return keyedFiles('secret', src.secretName ?? '', secret && secretData(secret), src.items, src.defaultMode ?? defaultMode, src.optional === true);
  }
  if (volume.downwardAPI) {
    return downwardFiles(volume.downwardAPI.items ?? [], volume.downwardAPI.defaultMode ?? defaultMode, pod, ips);
  }
  if (volume.projected) {
    const mode = volume.projected.defaultMode ?? defaultMode;
    const files: FileToWrite[] = [];
    for (const source of volume.projected.sources ?? []) {
      if (source.configMap) {
        const cm = await sources.getConfigMap(ns, source.configMap.name ?? '');
        files.push(...keyedFiles('configmap', source.configMap.name ?? '', cm && configMapData(cm), source.configMap.items, mode, source.configMap.optional === true));
      } else if (source.secret) {
        const secret = await sources.getSecret(ns, source.secret.name ?? '');
        files.push(...keyedFiles('secret', source.secret.name ?? '', secret && secretData(secret), source.secret.items, mode, source.secret.optional === true));
      } else if (source.downwardAPI) {
        files.push(...downwardFiles(source.downwardAPI.items ?? [], mode, pod, ips));
      } else if (source.serviceAccountToken) {
        // pkg/volume/projected: a TokenRequest bound to the pod, audience and lifetime from the source.
        const { audience, expirationSeconds = 3600, path: tokenPath } = source.serviceAccountToken;
        const token = await sources.serviceAccountToken(pod, audience || undefined, expirationSeconds);
        files.push({ relPath: tokenPath, content: Buffer.from(token, 'utf8'), mode });
      }
    }
    return files;
  }
  const kind = Object.keys(volume).find((k) => k !== 'name') ?? 'unknown';
  throw new Error(`volume type ${kind} is not supported by the playground kubelet`);
}

function configMapData(cm: V1ConfigMap): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  return data;
}

function secretData(secret: V1Secret): Map<string, Buffer> {
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) data.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(secret.stringData ?? {})) data.set(k, Buffer.from(v, 'utf8'));
  return data;
}

// pkg/volume/configmap (and secret) MakePayload: every key, or only the listed items.
function keyedFiles(kind: 'configmap' | 'secret', name: string, data: Map<string, Buffer> | undefined,
  items: V1KeyToPath[] | undefined, mode: number, optional: boolean): FileToWrite[] {
  if (!data) {
    if (optional) return [];
    throw new Error(`${kind} "${name}" not found`);
  }
  if (!items || items.length === 0) {
    return [...data].map(([key, content]) => ({ relPath: key, content, mode }));
  }
  const files: FileToWrite[] = [];
  for (const item of items) {
    const content = data.get(item.key);
    if (content === undefined) {
      if (optional) continue;
      throw new Error(`${kind} references non-existent config key: ${item.key}`);
    }
    files.push({ relPath: item.path, content, mode: item.mode ?? mode });
  }
  return files;
}

function downwardFiles(items: V1DownwardAPIVolumeFile[], mode: number, pod: V1Pod, ips: RuntimeIPs): FileToWrite[] {
  return items.map((item) => {
    let value = '';
    if (item.fieldRef) value = fieldRefValue(item.fieldRef, pod, ips);
    else if (item.resourceFieldRef) {
      const container = pod.spec?.containers.find((c: V1Container) => c.name === item.resourceFieldRef?.containerName);
      value = resourceFieldValue(item.resourceFieldRef, container);
    }
    return { relPath: item.path, content: Buffer.from(value, 'utf8'), mode: item.mode ?? mode };
  });
}

export interface Mount {
  mountPath: string;
  hostPath: string;
}

/** The container's mounts as host paths, longest mountPath first so nested mounts win. */
export function containerMounts(container: V1Container, volumePaths: ReadonlyMap<string, string>): Mount[] {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const base = volumePaths.get(m.name);
    if (base === undefined) continue;
    mounts.push({ mountPath: m.mountPath.replace(/\/+$/, '') || '/', hostPath: m.subPath ? path.join(base, m.subPath) : base });
  }
  return mounts.sort((a, b) => b.mountPath.length - a.mountPath.length);
}

/** Rewrites a container path (equal to a mountPath or below it) to the host path; other strings unchanged. */
export function mapContainerPath(value: string, mounts: readonly Mount[]): string {
  for (const m of mounts) {
    if (value === m.mountPath) return m.hostPath;
    if (value.startsWith(`${m.mountPath}/`)) return path.join(m.hostPath, value.slice(m.mountPath.length + 1));
  }
  return value;
}
