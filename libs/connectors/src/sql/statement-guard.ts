// Refuses, before anything reaches a database, every query that is not a single read-only
// SELECT or WITH statement. A small dialect-aware lexer skips string literals, quoted
// identifiers and comments, so a ';' or UPDATE inside them is harmless and one outside is
// found. How a server reads quotes depends on its settings (Postgres
// standard_conforming_strings; MySQL NO_BACKSLASH_ESCAPES and ANSI_QUOTES), so the query is
// lexed under every setting and must read the same under all of them: a literal like
// 'a\'; DROP …' that hides a second statement under one setting is refused.
//
// This is the first of three layers: the connector also runs the statement inside a READ
// ONLY transaction, with a protocol that refuses a second statement (Postgres extended
// protocol, mysql2 without multipleStatements). A database role with SELECT rights only
// remains the real guarantee: a function called from a SELECT can still have effects.
import type { SqlDialect } from '@freshet/contracts';
import { SqlQueryRefusedError } from './sql-errors';

interface LexMode {
  /** Backslash escapes the next character inside '…' literals. */
  backslashInSingle: boolean;
  /** Backslash escapes the next character inside "…" (a MySQL string unless ANSI_QUOTES). */
  backslashInDouble: boolean;
}

const MODES: Record<SqlDialect, readonly [LexMode, ...LexMode[]]> = {
  // standard_conforming_strings on (the default since 9.1) and off; "…" is always an identifier.
  postgres: [
    { backslashInSingle: false, backslashInDouble: false },
    { backslashInSingle: true, backslashInDouble: false },
  ],
  // default; ANSI_QUOTES ("…" is an identifier, no escapes); NO_BACKSLASH_ESCAPES.
  mysql: [
    { backslashInSingle: true, backslashInDouble: true },
    { backslashInSingle: true, backslashInDouble: false },
    { backslashInSingle: false, backslashInDouble: false },
  ],
};

export interface SqlToken {
  kind: 'word' | 'punct';
  /** Upper-cased for words. */
  text: string;
  offset: number;
}

/** Words that make a SELECT/WITH write or lock (data-modifying CTEs, SELECT INTO, DDL). */
const FORBIDDEN_WORDS = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'UPSERT',
  'INTO',
  'CREATE',
  'DROP',
  'ALTER',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
]);

class Refusal extends Error {}

const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;
const DOLLAR_TAG = /^\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$/u;

function isWordStart(ch: string, dialect: SqlDialect): boolean {
  return WORD_START.test(ch) || /\p{N}/u.test(ch) || (dialect === 'mysql' && ch === '$');
}

/** Index just past a quoted run that started at `start` (the opening quote). */
function skipQuoted(query: string, start: number, quote: string, backslash: boolean): number {
  let i = start + 1;
  while (i < query.length) {
    const ch = query[i];
    if (backslash && ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (query[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  throw new Refusal(`it has an unterminated ${quote === '`' || quote === '"' ? 'quoted identifier or string' : 'string literal'} starting at offset ${start}`);
}

function skipBlockComment(query: string, start: number, dialect: SqlDialect): number {
  if (dialect === 'mysql' && /^\/\*M?!/i.test(query.slice(start, start + 4))) {
    throw new Refusal(`it has a MySQL executable comment (/*! … */) at offset ${start}; remove it`);
  }
  let depth = 1;
  let i = start + 2;
  while (i < query.length) {
    if (query.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
      continue;
    }
    // Postgres nests block comments; MySQL does not.
    if (dialect === 'postgres' && query.startsWith('/*', i)) {
      depth += 1;
      i += 2;
      continue;
    }
    i += 1;
  }
  throw new Refusal(`it has an unterminated /* comment starting at offset ${start}`);
}

function skipLine(query: string, start: number): number {
  let i = start;
  while (i < query.length && query[i] !== '\n' && query[i] !== '\r') i += 1;
  return i;
}

/** Tokens of the query outside literals, identifiers in quotes and comments. */
export function lexSql(query: string, dialect: SqlDialect, mode: LexMode = { backslashInSingle: dialect === 'mysql', backslashInDouble: dialect === 'mysql' }): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i] as string;
    const next = query[i + 1];
    if (/\s/u.test(ch)) {
      i += 1;
    } else if (ch === '-' && next === '-') {
      // MySQL needs whitespace or a control character after "--" (1--1 is arithmetic).
      const after = query.charCodeAt(i + 2);
      if (dialect === 'postgres' || Number.isNaN(after) || after <= 32) i = skipLine(query, i);
      else {
        tokens.push({ kind: 'punct', text: '-', offset: i });
        i += 1;
      }
    } else if (ch === '#' && dialect === 'mysql') {
      i = skipLine(query, i);
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(query, i, dialect);
    } else if (ch === "'") {
      i = skipQuoted(query, i, "'", mode.backslashInSingle);
    } else if (ch === '"') {
      i = skipQuoted(query, i, '"', mode.backslashInDouble);
    } else if (ch === '`' && dialect === 'mysql') {
      i = skipQuoted(query, i, '`', false);
    } else if (ch === '$' && dialect === 'postgres') {
      const tag = DOLLAR_TAG.exec(query.slice(i))?.[0];
      if (tag === undefined) {
        tokens.push({ kind: 'punct', text: '$', offset: i }); // a $1 parameter
        i += 1;
      } else {
        const end = query.indexOf(tag, i + tag.length);
        if (end < 0) throw new Refusal(`it has an unterminated dollar-quoted string starting at offset ${i}`);
        i = end + tag.length;
      }
    } else if (isWordStart(ch, dialect)) {
      const start = i;
      while (i < query.length && WORD_PART.test(query[i] as string)) i += 1;
      const word = query.slice(start, i);
      // Postgres E'…' strings always take backslash escapes.
      if (dialect === 'postgres' && (word === 'E' || word === 'e') && query[i] === "'") {
        i = skipQuoted(query, i, "'", true);
      } else {
        tokens.push({ kind: 'word', text: word.toUpperCase(), offset: start });
      }
    } else {
      tokens.push({ kind: 'punct', text: ch, offset: i });
      i += 1;
    }
  }
  return tokens;
}

/** Checks one lexing of the query; returns where the statement ends (before trailing ';'). */
function checkTokens(tokens: readonly SqlToken[], queryLength: number): number {
  const first = tokens[0];
  if (first === undefined) throw new Refusal('it is empty (only whitespace or comments)');
  if (first.kind !== 'word' || (first.text !== 'SELECT' && first.text !== 'WITH')) {
    throw new Refusal(`it must start with SELECT or WITH, not ${JSON.stringify(first.text)}`);
  }
  let depth = 0;
  let end = queryLength;
  for (const [index, token] of tokens.entries()) {
    if (token.kind === 'punct') {
      if (token.text === ';') {
        if (tokens.slice(index).some((t) => t.text !== ';')) {
          throw new Refusal(`it has more than one statement (';' at offset ${token.offset}); send a single SELECT`);
        }
        end = Math.min(end, token.offset);
      } else if (token.text === '(') depth += 1;
      else if (token.text === ')') {
        depth -= 1;
        if (depth < 0) throw new Refusal(`it has an unbalanced ')' at offset ${token.offset}`);
      }
      continue;
    }
    if (FORBIDDEN_WORDS.has(token.text)) {
      throw new Refusal(`${token.text} at offset ${token.offset} is not allowed in a read-only query (quote the identifier if it is a column name)`);
    }
    const following = tokens[index + 1];
    // Locking reads: FOR UPDATE / FOR [NO] KEY … / FOR SHARE, LOCK IN SHARE MODE.
    if (following?.kind === 'word') {
      const pair = `${token.text} ${following.text}`;
      if (['FOR SHARE', 'FOR KEY', 'FOR NO', 'LOCK IN'].includes(pair)) {
        throw new Refusal(`${pair} at offset ${token.offset} takes locks; a read-only query may not`);
      }
    }
  }
  if (depth !== 0) throw new Refusal(`it has ${depth} unclosed '('`);
  return end;
}

function sameTokens(a: readonly SqlToken[], b: readonly SqlToken[]): boolean {
  return a.length === b.length && a.every((t, i) => t.text === b[i]?.text && t.offset === b[i]?.offset);
}

/**
 * Returns the statement to execute (trimmed, trailing ';' removed) when `query` is a single
 * read-only SELECT or WITH statement; otherwise throws SqlQueryRefusedError saying why.
 */
export function checkReadOnlyQuery(query: string, dialect: SqlDialect): string {
  const [defaultMode, ...otherModes] = MODES[dialect];
  try {
    // Reasons are reported as the server's default settings read the query…
    const tokens = lexSql(query, dialect, defaultMode);
    const end = checkTokens(tokens, query.length);
    // …and the query must read the same under every other setting.
    const ambiguous = otherModes.some((mode) => {
      try {
        return !sameTokens(tokens, lexSql(query, dialect, mode));
      } catch {
        return true;
      }
    });
    if (ambiguous) {
      throw new Refusal(
        'its string literals or quoted names read differently depending on server settings (backslash escapes, ANSI_QUOTES); avoid a backslash before a quote',
      );
    }
    return query.slice(0, end).trim();
  } catch (error) {
    if (error instanceof Refusal) throw new SqlQueryRefusedError(error.message);
    throw error;
  }
}
