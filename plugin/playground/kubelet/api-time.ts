// The two timestamp formats the kubelet writes, as apimachinery marshals them: metav1.Time is
// RFC 3339 in UTC with whole seconds (k8s.io/apimachinery/pkg/apis/meta/v1/time.go MarshalJSON),
// metav1.MicroTime has exactly six fractional digits, layout 2006-01-02T15:04:05.000000Z07:00
// (micro_time.go RFC3339Micro), and a real API server refuses a MicroTime written any other way.
import { V1MicroTime } from '@kubernetes/client-node';

/** RFC 3339, whole seconds, UTC: how metav1.Time fields (startedAt, lastTransitionTime, ...) look. */
export function metaTime(d: Date | string | number): string {
  return new Date(Math.floor(new Date(d).getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * A Date that client-node writes as a metav1.Time: its serializer calls toISOString() for
 * fields typed Date (Event firstTimestamp, Node condition times), which would give milliseconds.
 */
export class MetaTime extends Date {
  override toISOString(): string {
    return metaTime(this.getTime());
  }
}

/** A MicroTime for client-node (Lease renewTime, Event eventTime): six fractional digits. */
export function microTime(d: Date = new Date()): V1MicroTime {
  return new V1MicroTime(d.getTime());
}
