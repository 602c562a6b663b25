import { scimError, scimSchemas } from './scim.schema.ts';

/**
 * The part of the SCIM filter language (RFC 7644 §3.4.2.2) that identity providers send when they
 * provision: equality on an attribute, joined by `and`. Okta asks `userName eq "…"` before it
 * creates a user; Entra ID asks `externalId eq "…"`, `displayName eq "…"` for groups and
 * `id eq "…" and members[value eq "…"]` to check a membership. Anything else (or, not,
 * parentheses, co/sw/gt…) is refused with 400 invalidFilter rather than half understood:
 * a filter read wrongly would answer "no such user" and the IdP would create a duplicate.
 */
export interface ScimEquality {
  /** The canonical attribute name, e.g. `userName`, `members.value`. */
  attribute: string;
  value: string | boolean | null;
}
export type ScimFilter = ScimEquality[];

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'open' } | { kind: 'close' };

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < filter.length) {
    const char = filter[index]!;
    if (char === ' ' || char === '\t') {
      index += 1;
    } else if (char === '"') {
      // A JSON string (RFC 7644: values are JSON): escapes as JSON reads them.
      let end = index + 1;
      while (end < filter.length && filter[end] !== '"') end += filter[end] === '\\' ? 2 : 1;
      if (end >= filter.length) throw scimError('SCIM_INVALID_FILTER', 'a quoted value is not closed');
      try {
        tokens.push({ kind: 'string', text: JSON.parse(filter.slice(index, end + 1)) as string });
      } catch {
        throw scimError('SCIM_INVALID_FILTER', 'a quoted value is not a valid JSON string');
      }
      index = end + 1;
    } else if (char === '[') {
      tokens.push({ kind: 'open' });
      index += 1;
    } else if (char === ']') {
      tokens.push({ kind: 'close' });
      index += 1;
    } else if (char === '(' || char === ')') {
      throw scimError('SCIM_INVALID_FILTER', 'grouping with parentheses is not supported; use "attribute eq value" joined by "and"');
    } else {
      let end = index;
      while (end < filter.length && !' \t"[]()'.includes(filter[end]!)) end += 1;
      tokens.push({ kind: 'word', text: filter.slice(index, end) });
      index = end;
    }
  }
  return tokens;
}

const corePrefixes = [`${scimSchemas.user}:`, `${scimSchemas.group}:`].map((prefix) => prefix.toLowerCase());

/**
 * Parses a filter, allowing only the attributes in `attributes` (canonical names; matched without
 * case, with or without the core schema URN in front).
 */
export function parseScimFilter(filter: string, attributes: readonly string[]): ScimFilter {
  const allowed = new Map(attributes.map((name) => [name.toLowerCase(), name]));
  const canonical = (path: string): string => {
    let lower = path.toLowerCase();
    for (const prefix of corePrefixes) if (lower.startsWith(prefix)) lower = lower.slice(prefix.length);
    const name = allowed.get(lower);
    if (!name) throw scimError('SCIM_INVALID_FILTER', `cannot filter on "${path.slice(0, 80)}"; filterable: ${attributes.join(', ')}`);
    return name;
  };
  const tokens = tokenize(filter);
  if (tokens.length === 0) throw scimError('SCIM_INVALID_FILTER', 'the filter is empty');
  const clauses: ScimEquality[] = [];
  let at = 0;
  const word = (what: string): string => {
    const token = tokens[at];
    if (token?.kind !== 'word') throw scimError('SCIM_INVALID_FILTER', `expected ${what}`);
    at += 1;
    return token.text;
  };
  const value = (): string | boolean | null => {
    const token = tokens[at];
    at += 1;
    if (token?.kind === 'string') return token.text;
    if (token?.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      if (lower === 'null') return null;
    }
    throw scimError('SCIM_INVALID_FILTER', 'expected a quoted value, true, false or null');
  };
  const equality = (prefix: string): ScimEquality => {
    const attribute = word('an attribute');
    const operator = word('an operator').toLowerCase();
    if (operator !== 'eq') throw scimError('SCIM_INVALID_FILTER', `operator "${operator.slice(0, 10)}" is not supported; use eq`);
    return { attribute: canonical(prefix + attribute), value: value() };
  };
  for (;;) {
    const next = tokens[at + 1];
    if (next?.kind === 'open') {
      // members[value eq "…"]: a value filter on a multi-valued attribute, read as members.value eq "…".
      const parent = word('an attribute');
      at += 1;
      clauses.push(equality(`${parent}.`));
      if (tokens[at]?.kind !== 'close') throw scimError('SCIM_INVALID_FILTER', 'expected ] after a value filter');
      at += 1;
    } else {
      clauses.push(equality(''));
    }
    if (at === tokens.length) return clauses;
    const joiner = word('"and"').toLowerCase();
    if (joiner !== 'and') throw scimError('SCIM_INVALID_FILTER', `"${joiner.slice(0, 10)}" is not supported; join clauses with "and"`);
  }
}
