// A pod's total requests or limits as Kubernetes adds them up (k8s.io/component-helpers/resource
// PodRequests/PodLimits, and the copy of it in plugin/pkg/admission/limitranger/admission.go):
// the app containers summed, restartable (sidecar) init containers added to them, and the
// largest init container step taken where it is bigger. The quota adds the pod overhead, the
// LimitRanger does not.
import { addLists, maxInto, resourceList, type ResourceList } from './quantities.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type Which = 'requests' | 'limits';

export function containerResources(c: Obj, which: Which): ResourceList {
  return resourceList(c?.resources?.[which]);
}

export function podTotal(spec: Obj, which: Which, withOverhead: boolean): ResourceList {
  let total: ResourceList = {};
  for (const c of spec?.containers ?? []) total = addLists(total, containerResources(c, which));
  let sidecars: ResourceList = {};
  const initMax: ResourceList = {};
  for (const c of spec?.initContainers ?? []) {
    const own = containerResources(c, which);
    let step: ResourceList;
    if (c?.restartPolicy === 'Always') {
      total = addLists(total, own);
      sidecars = addLists(sidecars, own);
      step = sidecars;
    } else {
      step = addLists(own, sidecars);
    }
    maxInto(initMax, step);
  }
  maxInto(total, initMax);
  // PodLimits adds the overhead only for resources some container limits.
  if (withOverhead) {
    const overhead = resourceList(spec?.overhead);
    for (const [k, v] of Object.entries(overhead)) {
      if (which === 'requests' || k in total) total = addLists(total, { [k]: v });
    }
  }
  return total;
}
