// A small Dockerfile reader: instructions (line continuations joined, comments and parser
// directives dropped) grouped into build stages, and the few operations the image checks
// need — ARG defaults, `${VAR}` substitution, COPY sources and flags, exec-form arrays.
// No Docker engine here, so the Dockerfile is checked by reading it.

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, … */
  keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  args: string;
  /** 1-based line of the keyword. */
  line: number;
}

export interface Stage {
  /** `AS <name>`, or the stage's index when unnamed. */
  name: string;
  /** The FROM argument as written (may hold `${ARG}`). */
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
}

export function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let pending: { text: string; line: number } | undefined;
  let seenInstruction = false;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comments (parser directives included) are dropped, even between continued lines.
    if (trimmed.startsWith('#')) return;
    if (trimmed === '' && pending === undefined) return;
    const continued = trimmed.endsWith('\\');
    const piece = continued ? trimmed.slice(0, -1).trimEnd() : trimmed;
    if (pending === undefined) pending = { text: piece, line: index + 1 };
    else pending.text = `${pending.text} ${piece}`.trim();
    if (continued) return;
    const match = /^([A-Za-z]+)\s*(.*)$/s.exec(pending.text);
    if (!match) throw new Error(`line ${pending.line}: not an instruction: ${pending.text}`);
    instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: pending.line });
    seenInstruction = true;
    pending = undefined;
  });
  if (pending !== undefined) throw new Error(`line ${pending.line}: continuation at end of file`);
  if (!seenInstruction) throw new Error('no instructions');
  return instructions;
}

function parseArg(args: string): [string, string | undefined] {
  const eq = args.indexOf('=');
  if (eq < 0) return [args.trim(), undefined];
  return [args.slice(0, eq).trim(), unquote(args.slice(eq + 1).trim())];
}

function unquote(value: string): string {
  return /^(["']).*\1$/s.test(value) ? value.slice(1, -1) : value;
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const instruction of parseInstructions(text)) {
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      stages.push({ name: match[2] ?? String(stages.length), from: match[1]!, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`line ${instruction.line}: only ARG may come before FROM`);
      const [name, value] = parseArg(instruction.args);
      globalArgs.set(name, value);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

/** `$VAR` / `${VAR}` replaced from `values`; a variable without a value is an error (the build would see ''). */
export function substitute(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, braced?: string, bare?: string) => {
    const name = (braced ?? bare)!;
    const value = values[name];
    if (value === undefined) throw new Error(`\${${name}} has no value`);
    return value;
  });
}

/** The stage a name refers to, and the chain of stages it builds on (itself first). */
export function stageChain(dockerfile: Dockerfile, name: string): Stage[] {
  const chain: Stage[] = [];
  let current = dockerfile.stages.find((s) => s.name === name);
  while (current) {
    if (chain.includes(current)) throw new Error(`stage cycle at ${current.name}`);
    chain.push(current);
    const base = current.from;
    current = dockerfile.stages.find((s) => s.name === base);
  }
  if (chain.length === 0) throw new Error(`no stage ${name}`);
  return chain;
}

/** The first FROM of the chain that is not another stage: the image the stage starts from. */
export function baseImage(dockerfile: Dockerfile, name: string): string {
  const defaults = Object.fromEntries(dockerfile.globalArgs);
  return substitute(stageChain(dockerfile, name).at(-1)!.from, defaults);
}

/** Every instruction a stage's filesystem went through, oldest first (its base stages' included). */
export function effectiveInstructions(dockerfile: Dockerfile, name: string): Instruction[] {
  return stageChain(dockerfile, name)
    .reverse()
    .flatMap((stage) => stage.instructions);
}

export interface CopyInstruction {
  from?: string;
  chown?: string;
  sources: string[];
  destination: string;
}

export function parseCopy(args: string): CopyInstruction {
  const words = args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [flag, value = ''] = words.shift()!.slice(2).split('=', 2);
    flags[flag!] = value;
  }
  if (words.length < 2) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { from: flags['from'], chown: flags['chown'], sources: words.slice(0, -1), destination: words.at(-1)! };
}

/** An exec-form argument (`["node", "main.js"]`), or undefined for shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  return Array.isArray(parsed) && parsed.every((p) => typeof p === 'string') ? parsed : undefined;
}

/** `KEY=value KEY2=value2` of ENV (the legacy `ENV KEY value` form too). */
export function parseEnv(args: string): Map<string, string> {
  const env = new Map<string, string>();
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
    const [key, ...rest] = args.split(/\s+/);
    env.set(key!, rest.join(' '));
    return env;
  }
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)) env.set(match[1]!, unquote(match[2]!));
  return env;
}

/** A .dockerignore pattern as a regular expression over context-relative paths (`*`, `?`, `**`). */
function ignorePatternRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of directories (none included); a trailing `**` anything.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern matching a directory excludes everything in it.
  return new RegExp(`^${source}(?:/.*)?$`);
}

/**
 * Whether an ignore file (.dockerignore syntax: `*`, `?`, `**`, `!` exceptions, the last
 * matching line wins) keeps a context path out of the build.
 */
export function ignoredByDockerignore(dockerignore: string, path: string): boolean {
  const normalized = path.replace(/^\.\/+/, '').replace(/\/+$/, '');
  let ignored = false;
  for (const raw of dockerignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const exception = line.startsWith('!');
    const pattern = (exception ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
    if (/\[/.test(pattern)) throw new Error(`.dockerignore pattern ${line}: character classes are not supported by this check`);
    if (ignorePatternRegex(pattern).test(normalized)) ignored = !exception;
  }
  return ignored;
}

/** The ignore file BuildKit uses for a Dockerfile: `<Dockerfile>.dockerignore` next to it, else the context's .dockerignore. */
export function dockerignoreFor(dockerfilePath: string, readIfExists: (path: string) => string | undefined): { path: string; text: string } {
  const specific = `${dockerfilePath}.dockerignore`;
  const text = readIfExists(specific);
  if (text !== undefined) return { path: specific, text };
  return { path: '.dockerignore', text: readIfExists('.dockerignore') ?? '' };
}
