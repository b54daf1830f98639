// The few parts of the DNS wire format (RFC 1035 §4) a cluster DNS needs: read one question, and
// write an answer with A records, an empty answer (the name exists, not with that type), NXDOMAIN
// or REFUSED. Compression is not used in answers; questions with it are refused as malformed.

export interface Question {
  id: number;
  /** Lowercase, without the trailing dot. */
  name: string;
  type: number;
  /** The question section as received, echoed in the answer. */
  raw: Buffer;
  /** Recursion desired, echoed. */
  rd: boolean;
}

export const TYPE_A = 1;
export const RCODE = { noError: 0, formErr: 1, nxDomain: 3, notImp: 4, refused: 5 } as const;

export function parseQuery(msg: Buffer): Question | undefined {
  if (msg.length < 12) return undefined;
  const flags = msg.readUInt16BE(2);
  if (flags & 0x8000 || msg.readUInt16BE(4) !== 1) return undefined; // a response, or not exactly one question
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    if (at >= msg.length) return undefined;
    const len = msg[at];
    if (len === 0) { at++; break; }
    if (len > 63 || at + 1 + len > msg.length) return undefined;
    labels.push(msg.subarray(at + 1, at + 1 + len).toString('latin1').toLowerCase());
    at += 1 + len;
  }
  if (at + 4 > msg.length) return undefined;
  return { id: msg.readUInt16BE(0), name: labels.join('.'), type: msg.readUInt16BE(at), raw: msg.subarray(12, at + 4), rd: (flags & 0x0100) !== 0 };
}

/** An answer to `q`: `addresses` as A records (TTL 5 s, as CoreDNS's kubernetes plugin uses). */
export function answer(q: Question, rcode: number, addresses: string[] = []): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(q.id, 0);
  // QR, AA, RD as asked, RA.
  header.writeUInt16BE(0x8000 | 0x0400 | (q.rd ? 0x0100 : 0) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const records = addresses.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(5, 6);
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
    return rr;
  });
  return Buffer.concat([header, q.raw, ...records]);
}
