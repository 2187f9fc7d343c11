import { describe, expect, it } from 'vitest';
import { indexRuleExample, indexRuleIssues, ruleFromParts, ruleParts } from './indexRule';

const context = { org: '210200-JY', dept: 'D01', cat: 'GFXWJ', year: 2019, seq: 1 };

describe('indexRuleExample', () => {
  it('fills every placeholder and pads the serial', () => {
    expect(indexRuleExample('{org}-{dept}-{cat}-{year}-{seq:4}', context)).toBe('210200-JY-D01-GFXWJ-2019-0001');
  });

  it('writes {seq} without a width as the bare number', () => {
    expect(indexRuleExample('{year}-{seq}', context)).toBe('2019-1');
    expect(indexRuleExample('{year}-{seq}', { ...context, seq: 123 })).toBe('2019-123');
  });

  it('pads {seq:6} to six digits and leaves longer serials whole', () => {
    expect(indexRuleExample('{seq:6}', context)).toBe('000001');
    expect(indexRuleExample('{seq:2}', { ...context, seq: 1234 })).toBe('1234');
  });

  it('keeps text after the serial', () => {
    expect(indexRuleExample('{org}〔{year}〕{seq}号', context)).toBe('210200-JY〔2019〕1号');
    expect(indexRuleExample('{year}/{seq:3}-A', context)).toBe('2019/001-A');
  });

  it('shows an unknown placeholder, a too wide serial and an unclosed brace as written', () => {
    expect(indexRuleExample('{region}-{year}-{seq:4}', context)).toBe('{region}-2019-0001');
    expect(indexRuleExample('{seq:13}-{seq:x}', context)).toBe('{seq:13}-{seq:x}');
    expect(indexRuleExample('{year}-{seq}-{org', context)).toBe('2019-1-{org');
    expect(indexRuleExample('{{org}', context)).toBe('{{org}');
  });

  it('uses the org code as given, even empty', () => {
    expect(indexRuleExample('{org}-{seq}', { ...context, org: '' })).toBe('-1');
    expect(indexRuleExample('', context)).toBe('');
    expect(indexRuleExample('无占位符', context)).toBe('无占位符');
  });
});

describe('indexRuleIssues', () => {
  it('accepts the default rule', () => {
    expect(indexRuleIssues('{org}-{dept}-{cat}-{year}-{seq:4}')).toEqual([]);
    expect(indexRuleIssues('{seq}')).toEqual([]);
  });

  it('finds what the backend rejects', () => {
    expect(indexRuleIssues('{org}-{year}')).toEqual([{ kind: 'no_seq' }]);
    expect(indexRuleIssues('{seq}-{seq:4}')).toEqual([{ kind: 'many_seq' }]);
    expect(indexRuleIssues('{region}-{seq}')).toEqual([{ kind: 'unknown', placeholder: '{region}' }]);
    expect(indexRuleIssues('{seq}-{org')).toEqual([{ kind: 'unclosed' }]);
    expect(indexRuleIssues('')).toEqual([{ kind: 'no_seq' }]);
  });
});

describe('ruleParts', () => {
  it('splits a rule into fill-in pieces and spells it back', () => {
    const parts = ruleParts('{org}-{cat}-{year}-{seq:4}');
    expect(parts).toEqual([
      { kind: 'org' },
      { kind: 'text', text: '-' },
      { kind: 'cat' },
      { kind: 'text', text: '-' },
      { kind: 'year' },
      { kind: 'text', text: '-' },
      { kind: 'seq', width: 4 },
    ]);
    expect(ruleFromParts(parts ?? [])).toBe('{org}-{cat}-{year}-{seq:4}');
    expect(ruleFromParts(ruleParts('{dept}/{seq}') ?? [])).toBe('{dept}/{seq}');
  });

  it('leaves rules the form cannot show to the text field', () => {
    expect(ruleParts('{org}-{serial}')).toBeNull();
    expect(ruleParts('{org}-{seq')).toBeNull();
  });

  it('keeps widths in range and drops braces typed as text', () => {
    expect(ruleFromParts([{ kind: 'seq', width: 0 }])).toBe('{seq}');
    expect(ruleFromParts([{ kind: 'seq', width: 99 }])).toMatch(/^\{seq:\d+\}$/);
    expect(indexRuleIssues(ruleFromParts([{ kind: 'seq', width: 99 }]))).toEqual([]);
    expect(ruleFromParts([{ kind: 'text', text: 'A{b}' }, { kind: 'seq', width: 3 }])).toBe('Ab{seq:3}');
  });
});
