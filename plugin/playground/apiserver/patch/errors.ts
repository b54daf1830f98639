// The error a failed patch turns into, carrying the HTTP code, Status reason and message the real
// kube-apiserver answers with (apiserver endpoints/handlers/patch.go, apimachinery api/errors).

export type PatchErrorCode = 400 | 415 | 422 | 500;

const REASONS: Record<PatchErrorCode, string> = {
  400: 'BadRequest', 415: 'UnsupportedMediaType', 422: 'Invalid',
  // A plain Go error from strategicpatch (e.g. a missing merge key) is not a metav1.Status, so
  // responsewriters.ErrorToAPIStatus answers 500 with an empty ("Unknown") reason.
  500: '',
};

export class PatchError extends Error {
  /** metav1.Status.reason to answer with. */
  readonly reason: string;

  /**
   * @param code HTTP status and Status.code.
   * @param message Status.message, exactly as the real server words it.
   * @param detail the underlying library error when the server hides it behind a generic message
   *   (JSON patch failures), for logs only.
   */
  constructor(readonly code: PatchErrorCode, message: string, readonly detail?: string) {
    super(message);
    this.name = 'PatchError';
    this.reason = REASONS[code];
  }
}

/** errors.NewGenericServerResponse(422, ...) as used for a failing JSON patch: the text is generic. */
export function jsonPatchFailed(detail: string): PatchError {
  return new PatchError(422, 'the server rejected our request due to an error in our request', detail);
}

export const UNSUPPORTED_SMP_MESSAGE = 'the body of the request was in an unknown format - accepted media '
  + 'types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';
