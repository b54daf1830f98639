// An internal error with a message, for states that only a broken build or a bug can reach.
import { InterceptError } from '../errors.js';

export function internalError(message: string): InterceptError {
  return new InterceptError('internal', message, 'this is a bug or a broken build of kubectl-intercept; please report it');
}
