// HAR 1.2 as a JSON schema, written from the spec (http://www.softwareishard.com/blog/har-12-spec/,
// mirrored at github.com/ahmadnassri/har-spec versions/1.2.md): every object's required fields and
// their types, timings that must not be negative, `time` equal to their sum (checked in code: a
// schema cannot add), custom fields only with a leading underscore.
import Ajv from 'ajv';

const comment = { type: 'string' };
/** Known fields plus `_custom` ones; nothing else (the spec's fields never start with `_`). */
function strict(required: string[], properties: Record<string, object>) {
  return { type: 'object', required, properties: { ...properties, comment }, patternProperties: { '^_': {} }, additionalProperties: false };
}
const nameValue = strict(['name', 'value'], { name: { type: 'string' }, value: { type: 'string' } });
const cookie = strict(['name', 'value'], {
  name: { type: 'string' }, value: { type: 'string' }, path: { type: 'string' }, domain: { type: 'string' },
  expires: { type: ['string', 'null'] }, httpOnly: { type: 'boolean' }, secure: { type: 'boolean' },
});
const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})$' };
const size = { type: 'integer', minimum: -1 };
const phase = { type: 'number', minimum: 0 };
const optionalPhase = { type: 'number', minimum: -1 };

const request = strict(['method', 'url', 'httpVersion', 'cookies', 'headers', 'queryString', 'headersSize', 'bodySize'], {
  method: { type: 'string', minLength: 1 },
  url: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9+.-]*://' },
  httpVersion: { type: 'string' },
  cookies: { type: 'array', items: cookie },
  headers: { type: 'array', items: nameValue },
  queryString: { type: 'array', items: nameValue },
  postData: {
    ...strict(['mimeType'], {
      mimeType: { type: 'string' },
      text: { type: 'string' },
      params: { type: 'array', items: strict(['name'], { name: { type: 'string' }, value: { type: 'string' }, fileName: { type: 'string' }, contentType: { type: 'string' } }) },
    }),
    // `text` and `params` are mutually exclusive, and one of them is there.
    oneOf: [{ required: ['text'] }, { required: ['params'] }],
  },
  headersSize: size,
  bodySize: size,
});

const response = strict(['status', 'statusText', 'httpVersion', 'cookies', 'headers', 'content', 'redirectURL', 'headersSize', 'bodySize'], {
  status: { type: 'integer', minimum: 0 },
  statusText: { type: 'string' },
  httpVersion: { type: 'string' },
  cookies: { type: 'array', items: cookie },
  headers: { type: 'array', items: nameValue },
  content: strict(['size', 'mimeType'], { size: { type: 'integer' }, compression: { type: 'integer' }, mimeType: { type: 'string' }, text: { type: 'string' }, encoding: { type: 'string' } }),
  redirectURL: { type: 'string' },
  headersSize: size,
  bodySize: size,
});

const cacheEntry = { oneOf: [{ type: 'null' }, strict(['lastAccess', 'eTag', 'hitCount'], { expires: { type: 'string' }, lastAccess: { type: 'string' }, eTag: { type: 'string' }, hitCount: { type: 'integer' } })] };

const entry = strict(['startedDateTime', 'time', 'request', 'response', 'cache', 'timings'], {
  pageref: { type: 'string' },
  startedDateTime: isoDate,
  time: { type: 'number', minimum: 0 },
  request,
  response,
  cache: strict([], { beforeRequest: cacheEntry, afterRequest: cacheEntry }),
  timings: strict(['send', 'wait', 'receive'], { blocked: optionalPhase, dns: optionalPhase, connect: optionalPhase, send: phase, wait: phase, receive: phase, ssl: optionalPhase }),
  serverIPAddress: { type: 'string' },
  connection: { type: 'string' },
});

const creator = strict(['name', 'version'], { name: { type: 'string' }, version: { type: 'string' } });

export const HAR_1_2 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['log'],
  properties: {
    log: strict(['version', 'creator', 'entries'], {
      version: { type: 'string', const: '1.2' },
      creator,
      browser: creator,
      pages: { type: 'array', items: strict(['startedDateTime', 'id', 'title', 'pageTimings'], { startedDateTime: isoDate, id: { type: 'string' }, title: { type: 'string' }, pageTimings: { type: 'object' } }) },
      entries: { type: 'array', items: entry },
    }),
  },
};

const validate = new Ajv({ allErrors: true }).compile(HAR_1_2);

interface Timed {
  time: number;
  timings: Record<string, number>;
}

/** The problems with `har` as HAR 1.2: the schema's, then `time` against the sum of the timings. */
export function harProblems(har: unknown): string[] {
  const problems = validate(har) ? [] : (validate.errors ?? []).map((e) => `${e.dataPath || '(root)'} ${e.message ?? ''}`);
  const entries = (har as { log?: { entries?: Timed[] } })?.log?.entries ?? [];
  entries.forEach((e, i) => {
    const sum = Object.entries(e.timings ?? {}).filter(([k, v]) => k !== 'comment' && typeof v === 'number' && v !== -1).reduce((s, [, v]) => s + v, 0);
    if (Math.abs(sum - e.time) > 0.01) problems.push(`.log.entries[${i}].time ${e.time} is not the sum of its timings (${sum})`);
  });
  return problems;
}
