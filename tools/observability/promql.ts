// Just enough PromQL reading for the checks: the metric names an expression selects, and
// an expression with Grafana's variables filled in. Not a parser: strings, label matchers,
// ranges and grouping clauses are blanked out first, then every identifier that is not a
// function call, a keyword or part of a number is a metric name.

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

export function metricNames(expr: string): string[] {
  const blanked = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of blanked.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const before = blanked[match.index - 1] ?? ' ';
    if (/[0-9.]/.test(before)) continue; // the exponent or unit of a number (1e3, 5m)
    if (blanked.slice(match.index + name.length).trimStart().startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}

export interface Substitutions {
  /** Dashboard variables by name (`tenant` → `acme`); values are used as given (regex matchers take `.*`). */
  variables: Record<string, string>;
  /** `$__rate_interval`, `$__interval` and `$__range`, e.g. `15s`. */
  window: string;
}

/** The query as Grafana would send it, for these variable values. */
export function substitute(expr: string, { variables, window }: Substitutions): string {
  return expr
    .replace(/\$__rate_interval|\$__interval|\$__range|\$\{__rate_interval\}|\$\{__interval\}|\$\{__range\}/g, window)
    .replace(/\$\{(\w+)\}|\$(\w+)/g, (whole: string, braced: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = variables[name];
      if (value === undefined) throw new Error(`no value for the variable ${whole} in ${expr}`);
      return value;
    });
}
