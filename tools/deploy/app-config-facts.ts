// What each app reads from its environment, taken from the app's own source so the deploy
// checks can never drift from it. Tools may not import apps (module boundaries), but they
// may read them: the TypeScript checker gives the keys of each `<name>ConfigSchema`'s zod
// shape (shared fragments and the app's own, however they are spread in) and the literal
// passed to `portEnv(...)`, the app's default port. Tracing is configured apart from the
// app's schema: an app whose main.ts calls libs/telemetry's startTracing (or runService,
// which calls it) also reads the keys of tracingEnvSchema (OTEL_* and FRESHET_TRACING_*),
// taken from that schema, and the few the OpenTelemetry SDK reads itself.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { tracingEnvSchema } from '@freshet/telemetry';

/**
 * Tracing variables the OpenTelemetry SDK reads itself rather than through
 * tracingEnvSchema: the OTLP exporter the headers (a collector's key; see
 * libs/telemetry/src/tracing/start-tracing.ts), the env resource detector the attributes.
 * docs/operations.md, "Tracing", offers them to operators. (OTEL_SERVICE_NAME is not here:
 * each app sets service.name itself, over it.)
 */
const SDK_TRACING_ENV_NAMES = ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_RESOURCE_ATTRIBUTES'];

/** libs/telemetry's functions that start tracing in the process that calls them. */
const TRACING_ENTRIES: ReadonlySet<string> = new Set(['startTracing', 'runService']);

/** The variables a process that calls startTracing reads: tracingEnvSchema's keys, and the SDK's own above. */
export const TRACING_ENV_NAMES: ReadonlySet<string> = new Set([...Object.keys(tracingEnvSchema.shape), ...SDK_TRACING_ENV_NAMES]);

export interface AppConfigFacts {
  app: string;
  /** Every variable the app's config schema declares. */
  envNames: ReadonlySet<string>;
  /** Prefixes of variables read by pattern (`export const …_ENV_PREFIX = '…'` in the app), e.g. ingest's FRESHET_SECRET_. */
  envPrefixes: readonly string[];
  /** The argument of `portEnv(...)` in config.ts: the port the app listens on unless PORT says otherwise. */
  defaultPort: number;
  /** TRACING_ENV_NAMES when the app's main.ts starts tracing, empty otherwise. */
  tracingEnvNames: ReadonlySet<string>;
}

/** Apps are the folders of apps/ with a src/main.ts and a src/config.ts. */
export function appNames(root = '.'): string[] {
  return readdirSync(join(root, 'apps'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((app) => existsFile(join(root, 'apps', app, 'src', 'main.ts')) && existsFile(join(root, 'apps', app, 'src', 'config.ts')))
    .sort();
}

function existsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function compilerOptions(root: string): ts.CompilerOptions {
  const file = join(root, 'tsconfig.base.json');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return { ...ts.parseJsonConfigFileContent(config, ts.sys, root).options, noEmit: true };
}

function configSchemaSymbol(checker: ts.TypeChecker, source: ts.SourceFile): ts.Symbol {
  const module = checker.getSymbolAtLocation(source);
  const schemas = module ? checker.getExportsOfModule(module).filter((s) => s.name.endsWith('ConfigSchema')) : [];
  if (schemas.length !== 1) {
    throw new Error(`${source.fileName} must export exactly one *ConfigSchema (found ${schemas.map((s) => s.name).join(', ') || 'none'})`);
  }
  return schemas[0]!;
}

function shapeKeys(checker: ts.TypeChecker, source: ts.SourceFile, schema: ts.Symbol): string[] {
  const shape = checker.getTypeOfSymbolAtLocation(schema, source).getProperty('shape');
  if (!shape) throw new Error(`${source.fileName}: ${schema.name} has no zod shape`);
  return checker.getTypeOfSymbolAtLocation(shape, source).getProperties().map((p) => p.name);
}

function defaultPort(checker: ts.TypeChecker, source: ts.SourceFile): number {
  const ports: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'portEnv' && node.arguments[0]) {
      const type = checker.getTypeAtLocation(node.arguments[0]);
      if (!type.isNumberLiteral()) throw new Error(`${source.fileName}: portEnv(...) must be given a literal port (got ${checker.typeToString(type)})`);
      ports.push(type.value);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (ports.length !== 1) throw new Error(`${source.fileName}: expected one portEnv(...) call, found ${ports.length}`);
  return ports[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** `export const SOMETHING_ENV_PREFIX = 'LITERAL'` anywhere in the app's sources (syntax only). */
function envPrefixes(root: string, app: string): string[] {
  const prefixes: string[] = [];
  for (const file of sourceFiles(join(root, 'apps', app, 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text.endsWith('_ENV_PREFIX') && declaration.initializer && ts.isStringLiteral(declaration.initializer)) {
          prefixes.push(declaration.initializer.text);
        }
      }
    }
  }
  return prefixes;
}

/**
 * Whether apps/<app>/src/main.ts starts tracing: calls `startTracing`, or `runService` (which
 * starts it for the service), imported from @freshet/telemetry (syntax only; aliases followed).
 */
export function startsTracing(root: string, app: string): boolean {
  const file = join(root, 'apps', app, 'src', 'main.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  const localNames = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== '@freshet/telemetry') continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings) || statement.importClause?.isTypeOnly) continue;
    for (const element of bindings.elements) if (TRACING_ENTRIES.has((element.propertyName ?? element.name).text)) localNames.add(element.name.text);
  }
  let called = false;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && localNames.has(node.expression.text)) called = true;
    if (!called) ts.forEachChild(node, visit);
  };
  visit(source);
  return called;
}

/** A bound for a test hook that calls readAppConfigFacts: seconds alone, many more on a busy two-core machine. */
export const READ_FACTS_TIMEOUT_MS = 60_000;

/** Reads every app's config facts with one TypeScript program (a few seconds). */
export function readAppConfigFacts(root = '.'): Map<string, AppConfigFacts> {
  const apps = appNames(root);
  const roots = apps.map((app) => join(root, 'apps', app, 'src', 'config.ts'));
  const program = ts.createProgram(roots, compilerOptions(root));
  const checker = program.getTypeChecker();
  const facts = new Map<string, AppConfigFacts>();
  apps.forEach((app, index) => {
    const source = program.getSourceFile(roots[index]!);
    if (!source) throw new Error(`cannot read ${roots[index]}`);
    const schema = configSchemaSymbol(checker, source);
    facts.set(app, {
      app,
      envNames: new Set(shapeKeys(checker, source, schema)),
      envPrefixes: envPrefixes(root, app),
      defaultPort: defaultPort(checker, source),
      tracingEnvNames: startsTracing(root, app) ? TRACING_ENV_NAMES : new Set(),
    });
  });
  return facts;
}

/** True when the app reads this variable: a key of its config schema or of the tracing schema it starts, or one of its by-pattern prefixes. */
export function appReadsEnv(facts: AppConfigFacts, name: string): boolean {
  return (
    facts.envNames.has(name) ||
    facts.tracingEnvNames.has(name) ||
    facts.envPrefixes.some((prefix) => name.startsWith(prefix) && name.length > prefix.length)
  );
}

/** The variables of `names` the app does not read, in order: what a deployment must not set for it. */
export function unknownEnv(facts: AppConfigFacts, names: Iterable<string>): string[] {
  return [...names].filter((name) => !appReadsEnv(facts, name));
}
