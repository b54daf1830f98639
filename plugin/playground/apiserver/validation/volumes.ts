// Pod volume validation (core/validation/validation.go ValidateVolumes / validateVolumeSource):
// DNS-1123 names, uniqueness, exactly one source, configMap/secret items and modes.

import { duplicate, forbidden, invalid, invalidEach, notSupported, required, type FieldError } from './field-error.js';
import { validateLocalPath } from './container.js';
import { isDNS1123Label } from './names.js';
import { isObj, list, str, type Obj } from './types.js';

/** The VolumeSource members, in the order validateVolumeSource checks them. */
const SOURCES = ['hostPath', 'emptyDir', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi',
  'glusterfs', 'flocker', 'persistentVolumeClaim', 'rbd', 'quobyte', 'cephfs', 'cinder', 'downwardAPI', 'fc', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'configMap', 'scaleIO', 'storageos', 'projected',
  'csi', 'ephemeral', 'image'];
const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

function validateMode(mode: unknown, path: string): FieldError[] {
  return typeof mode === 'number' && (mode < 0 || mode > 0o777) ? [invalid(path, mode, FILE_MODE_MSG)] : [];
}

function validateItems(items: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  items.forEach((kp, i) => {
    const p = `${path}[${i}]`;
    if (!kp?.key) errs.push(required(`${p}.key`));
    const target = str(kp?.path);
    if (!target) errs.push(required(`${p}.path`));
    errs.push(...validateLocalPath(target, `${p}.path`));
    if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalid(`${p}.path`, target, "must not start with '..'"));
    errs.push(...validateMode(kp?.mode, `${p}.mode`));
  });
  return errs;
}

function validateSource(kind: string, src: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (kind) {
    case 'configMap':
      if (!src.name) errs.push(required(`${path}.name`));
      errs.push(...validateMode(src.defaultMode, `${path}.defaultMode`), ...validateItems(list(src.items), `${path}.items`));
      break;
    case 'secret':
      if (!src.secretName) errs.push(required(`${path}.secretName`));
      errs.push(...validateMode(src.defaultMode, `${path}.defaultMode`), ...validateItems(list(src.items), `${path}.items`));
      break;
    case 'hostPath':
      if (!src.path) errs.push(required(`${path}.path`));
      if (src.type !== undefined && !HOST_PATH_TYPES.includes(str(src.type))) errs.push(notSupported(`${path}.type`, src.type, HOST_PATH_TYPES));
      break;
    case 'persistentVolumeClaim':
      if (!src.claimName) errs.push(required(`${path}.claimName`));
      break;
    case 'downwardAPI':
    case 'projected':
      errs.push(...validateMode(src.defaultMode, `${path}.defaultMode`));
      break;
  }
  return errs;
}

/** Returns the errors and the names of the volumes that validated (mounts may refer only to those). */
export function validateVolumes(volumes: Obj[], path: string): { errs: FieldError[]; valid: Set<string> } {
  const errs: FieldError[] = [];
  const valid = new Set<string>();
  volumes.forEach((vol, i) => {
    const p = `${path}[${i}]`;
    const el: FieldError[] = [];
    let count = 0;
    for (const kind of SOURCES) {
      if (!isObj(vol?.[kind])) continue;
      if (count > 0) {
        el.push(forbidden(`${p}.${kind}`, 'may not specify more than 1 volume type'));
        continue;
      }
      count++;
      el.push(...validateSource(kind, vol[kind], `${p}.${kind}`));
    }
    if (count === 0) el.push(required(p, 'must specify a volume type'));
    const name = str(vol?.name);
    if (!name) el.push(required(`${p}.name`));
    else el.push(...invalidEach(`${p}.name`, name, isDNS1123Label(name)));
    if (valid.has(name)) el.push(duplicate(`${p}.name`, name));
    if (el.length === 0) valid.add(name);
    else errs.push(...el);
  });
  return { errs, valid };
}
