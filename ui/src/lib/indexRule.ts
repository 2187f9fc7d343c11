// The 索引号 rule as the settings screen shows it: a live example and plain-language hints.
// The backend parses the rule the same way (desk-core index_rule.rs) and is the authority: these
// helpers only preview, they never decide whether a rule may be saved.

import { INDEX_RULE_MAX_SEQ_WIDTH as MAX_SEQ_WIDTH } from '../ipc/rules';

/** What the placeholders stand for in an example. */
export interface IndexExampleContext {
  org: string;
  dept: string;
  cat: string;
  year: number;
  seq: number;
}


type Token =
  | { kind: 'text'; text: string }
  | { kind: 'field'; name: 'org' | 'dept' | 'cat' | 'year' }
  | { kind: 'seq'; width: number }
  | { kind: 'unknown'; name: string }
  | { kind: 'unclosed'; text: string };

/** The serial width of a placeholder name, or null when it is not a serial. */
function seqWidth(name: string): number | null {
  if (name === 'seq') return 1;
  const match = /^seq:\+?(\d+)$/.exec(name); // as Rust parses a usize
  if (!match) return null;
  const width = Number(match[1]);
  return width <= MAX_SEQ_WIDTH ? width : null;
}

/** Splits a rule as the backend does: `{` up to the next `}` is a placeholder, the rest is text. */
export function tokenize(rule: string): Token[] {
  const tokens: Token[] = [];
  let rest = rule;
  for (;;) {
    const open = rest.indexOf('{');
    if (open < 0) break;
    if (open > 0) tokens.push({ kind: 'text', text: rest.slice(0, open) });
    const close = rest.indexOf('}', open);
    if (close < 0) {
      tokens.push({ kind: 'unclosed', text: rest.slice(open) });
      return tokens;
    }
    const name = rest.slice(open + 1, close);
    const width = seqWidth(name);
    if (name === 'org' || name === 'dept' || name === 'cat' || name === 'year') tokens.push({ kind: 'field', name });
    else if (width !== null) tokens.push({ kind: 'seq', width });
    else tokens.push({ kind: 'unknown', name });
    rest = rest.slice(close + 1);
  }
  if (rest !== '') tokens.push({ kind: 'text', text: rest });
  return tokens;
}

/**
 * The index number `rule` gives in `context`. Unknown placeholders and an unclosed `{` are shown
 * as written, so the example still shows where the rule goes wrong.
 */
export function indexRuleExample(rule: string, context: IndexExampleContext): string {
  return tokenize(rule)
    .map((token) => {
      switch (token.kind) {
        case 'text':
        case 'unclosed':
          return token.text;
        case 'field':
          return token.name === 'year' ? String(context.year) : context[token.name];
        case 'seq':
          return String(context.seq).padStart(token.width, '0');
        case 'unknown':
          return `{${token.name}}`;
      }
    })
    .join('');
}

export type IndexRuleIssue =
  | { kind: 'no_seq' }
  | { kind: 'many_seq' }
  | { kind: 'unknown'; placeholder: string }
  | { kind: 'unclosed' };

/** What the backend will object to, found early so the screen can say it in the clerk's language. */
export function indexRuleIssues(rule: string): IndexRuleIssue[] {
  const tokens = tokenize(rule);
  const issues: IndexRuleIssue[] = [];
  for (const token of tokens) {
    if (token.kind === 'unknown') issues.push({ kind: 'unknown', placeholder: `{${token.name}}` });
    if (token.kind === 'unclosed') issues.push({ kind: 'unclosed' });
  }
  const serials = tokens.filter((t) => t.kind === 'seq').length;
  if (serials === 0) issues.push({ kind: 'no_seq' });
  if (serials > 1) issues.push({ kind: 'many_seq' });
  return issues;
}

/** One piece of a rule as the fill-in form shows it. */
export type RulePart =
  | { kind: 'org' | 'dept' | 'cat' | 'year' }
  | { kind: 'seq'; width: number }
  | { kind: 'text'; text: string };

/** The rule as fill-in pieces, or null when it holds something the form cannot show (an unknown placeholder, an unclosed `{`). */
export function ruleParts(rule: string): RulePart[] | null {
  const parts: RulePart[] = [];
  for (const token of tokenize(rule)) {
    switch (token.kind) {
      case 'text':
        parts.push({ kind: 'text', text: token.text });
        break;
      case 'field':
        parts.push({ kind: token.name });
        break;
      case 'seq':
        parts.push({ kind: 'seq', width: token.width });
        break;
      default:
        return null;
    }
  }
  return parts;
}

/** The rule the pieces spell; braces typed into a fixed text are dropped, as they would start a placeholder. */
export function ruleFromParts(parts: readonly RulePart[]): string {
  return parts
    .map((part) => {
      switch (part.kind) {
        case 'text':
          return part.text.replace(/[{}]/g, '');
        case 'seq': {
          const width = Math.min(Math.max(Math.trunc(part.width) || 1, 1), MAX_SEQ_WIDTH);
          return width === 1 ? '{seq}' : `{seq:${width}}`;
        }
        default:
          return `{${part.kind}}`;
      }
    })
    .join('');
}
