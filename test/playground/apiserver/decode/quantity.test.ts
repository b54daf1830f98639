// resource.Quantity parsing and the canonical form the server writes back, table-driven.
import { describe, expect, it } from '@jest/globals';
import { canonicalQuantity, errFormatWrong, errSuffix } from '../../../../plugin/playground/apiserver/decode/quantity.js';

describe('canonicalQuantity', () => {
  it.each([
    ['1000m', '1'], ['0.5', '500m'], ['1.5', '1500m'], ['100m', '100m'], ['250m', '250m'],
    ['1024Mi', '1Gi'], ['1Gi', '1Gi'], ['1.5Gi', '1536Mi'], ['512Ki', '512Ki'], ['0.5Ki', '512'],
    ['128974848', '128974848'], ['129e6', '129e6'], ['129M', '129M'], ['1e3', '1e3'], ['1e4', '10e3'],
    ['1k', '1k'], ['1000k', '1M'], ['-1.5', '-1500m'], ['0', '0'], ['0.0', '0'],
    ['0.0000000001', '1n'], ['1.2345678901', '1234567891n'], ['01', '01'], ['+1', '+1'],
  ])('%s is written back as %s', (input, output) => {
    expect(canonicalQuantity(input)).toBe(output);
  });

  it.each([['5Gb', errFormatWrong], ['abc', errFormatWrong], ['', errFormatWrong], ['1kk', errSuffix], ['5i', errSuffix]])(
    'refuses %s', (input, message) => {
      expect(() => canonicalQuantity(input)).toThrow(message);
    });

  it('words the format error as the server does', () => {
    expect(errFormatWrong).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  });
});
