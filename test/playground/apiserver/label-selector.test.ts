// Label selectors parsed as labels.Parse parses them (apimachinery pkg/labels/selector.go), its
// errors word for word, and matched as Requirement.Matches matches.
import { describe, expect, it } from '@jest/globals';
import { matchRequirements, parseLabelSelector } from '../../../plugin/playground/apiserver/label-selector.js';

const errorOf = (text: string): string => {
  try {
    parseLabelSelector(text);
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('parseLabelSelector errors', () => {
  it.each([
    ['a in', "unable to parse requirement: found '' expected: '('"],
    ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a notin (b,c', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (b,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b!', "found '!', expected: ',' or 'end of string'"],
    ['a in (b))', "found ')', expected: ',' or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a>b', 'unable to parse requirement: values[0]: Invalid value: "b": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    [`a=${'x'.repeat(64)}`, `unable to parse requirement: values[0][a]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 characters`],
    ['a=-b', 'unable to parse requirement: values[0][a]: Invalid value: "-b": a valid label must be an empty string or consist of alphanumeric '
      + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
      + "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"],
    ['-a', 'unable to parse requirement: <nil>: Invalid value: "-a": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', '
      + "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
      + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"],
  ])('%s', (text, message) => {
    expect(errorOf(text)).toBe(message);
  });
});

describe('parseLabelSelector matching', () => {
  const labels = { app: 'web', tier: 'front', n: '7', empty: '' };
  it.each([
    ['app=web', true], ['app==web', true], ['app!=web', false], ['app = web', true], ['app=', false], ['empty=', true],
    ['app in (web,api)', true], ['app notin (web)', false], ['app in (,web)', true], ['empty in ()', true], ['x notin (a)', true],
    ['app', true], ['!app', false], ['!x', true], ['n>6', true], ['n<7', false], ['app>1', false], ['x>1', false],
    ['in in (in)', false], ['app=web,tier in (front),!x', true], ['  app  in(web)  ', true],
  ])('%s', (text, expected) => {
    expect(matchRequirements(parseLabelSelector(text), labels)).toBe(expected);
  });
});
