// `$(VAR)` expansion as the kubelet does it for env values, command and args: a port of
// kubernetes third_party/forked/golang/expansion/expand.go. `$$` escapes `$`; an unknown or
// unterminated reference is left as written.

export type Mapping = (name: string) => string;

/** Looks a name up in each context in turn; an unknown name stays `$(name)`. */
export function mappingFor(...contexts: Array<ReadonlyMap<string, string>>): Mapping {
  return function lookup(name: string): string {
    for (const vars of contexts) {
      const value = vars.get(name);
      if (value !== undefined) return value;
    }
    return `$(${name})`;
  };
}

export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] === '$' && cursor + 1 < input.length) {
      out += input.slice(checkpoint, cursor);
      const { read, isVar, advance } = tryReadVariableName(input.slice(cursor + 1));
      out += isVar ? mapping(read) : read;
      cursor += advance;
      checkpoint = cursor + 1;
    }
  }
  return out + input.slice(checkpoint);
}

function tryReadVariableName(input: string): { read: string; isVar: boolean; advance: number } {
  switch (input[0]) {
    case '$':
      return { read: '$', isVar: false, advance: 1 };
    case '(': {
      const close = input.indexOf(')', 1);
      if (close !== -1) return { read: input.slice(1, close), isVar: true, advance: close + 1 };
      return { read: '$(', isVar: false, advance: 1 };
    }
    default:
      return { read: `$${input[0]}`, isVar: false, advance: 1 };
  }
}
