// infra/docker/app.Dockerfile cannot be built here (no Docker engine), so it is kept right
// by reading it: a multi-stage build whose runtime images run as a non-root user with
// production dependencies only, copy nothing that does not exist, expose the app's real
// port, probe a real health route and let node receive SIGTERM. Plus the reader itself.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appNames, appReadsEnv, READ_FACTS_TIMEOUT_MS, readAppConfigFacts, type AppConfigFacts } from './app-config-facts';
import { readComposeStack } from './compose-stack';
import {
  baseImage,
  dockerignoreFor,
  effectiveInstructions,
  execForm,
  ignoredByDockerignore,
  parseCopy,
  parseDockerfile,
  parseEnv,
  parseInstructions,
  stageChain,
  substitute,
  type Dockerfile,
  type Instruction,
} from './dockerfile';
import { operationalRoutes, type OperationalRoutes } from './health-routes';

const DOCKERFILE = 'infra/docker/app.Dockerfile';

describe('the Dockerfile reader', () => {
  it('joins continuations, drops comments and directives, and groups stages', () => {
    const parsed = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'ARG BASE=node:20-slim',
        'FROM ${BASE} AS build',
        'RUN echo a \\',
        '  # a comment inside the continuation',
        ' && echo b',
        'FROM build AS final',
        'USER node',
      ].join('\n'),
    );
    expect(parsed.globalArgs.get('BASE')).toBe('node:20-slim');
    expect(parsed.stages.map((s) => s.name)).toEqual(['build', 'final']);
    expect(parsed.stages[0]!.instructions).toEqual([{ keyword: 'RUN', args: 'echo a && echo b', line: 4 }]);
    expect(baseImage(parsed, 'final')).toBe('node:20-slim');
    expect(stageChain(parsed, 'final').map((s) => s.name)).toEqual(['final', 'build']);
  });

  it('refuses what it cannot read rather than guessing', () => {
    expect(() => parseInstructions('RUN echo \\')).toThrow(/continuation at end of file/);
    expect(() => parseDockerfile('RUN echo hi\nFROM x')).toThrow(/only ARG may come before FROM/);
    expect(() => substitute('${MISSING}', {})).toThrow(/MISSING/);
    expect(() => ignoredByDockerignore('[ab].log', 'a.log')).toThrow(/not supported/);
  });

  it('reads COPY flags, exec forms, ENV pairs and .dockerignore paths', () => {
    expect(parseCopy('--from=build --chown=node /repo/dist/ ./')).toEqual({ from: 'build', chown: 'node', sources: ['/repo/dist/'], destination: './' });
    expect(execForm('["node", "main.js"]')).toEqual(['node', 'main.js']);
    expect(execForm('node main.js')).toBeUndefined();
    expect(parseEnv('A=1 B="two words" C=${X}')).toEqual(new Map([['A', '1'], ['B', 'two words'], ['C', '${X}']]));
    expect(ignoredByDockerignore('node_modules\ndist\n', 'dist/apps/x')).toBe(true);
    expect(ignoredByDockerignore('node_modules\ndist\n', 'apps/dist')).toBe(false);
    expect(ignoredByDockerignore('**/*.log', 'a/b/c.log')).toBe(true);
    expect(ignoredByDockerignore('**/*.log', 'c.log')).toBe(true);
    expect(ignoredByDockerignore('*.log', 'a/c.log')).toBe(false);
    expect(ignoredByDockerignore('docs\n!docs/keep.md', 'docs/keep.md')).toBe(false);
    expect(ignoredByDockerignore('docs\n!docs/keep.md', 'docs/other.md')).toBe(true);
    expect(dockerignoreFor('x/Dockerfile', (p) => (p === '.dockerignore' ? 'a' : undefined))).toEqual({ path: '.dockerignore', text: 'a' });
    expect(dockerignoreFor('x/Dockerfile', (p) => (p === 'x/Dockerfile.dockerignore' ? 'b' : 'a'))).toEqual({ path: 'x/Dockerfile.dockerignore', text: 'b' });
  });
});

interface ProjectTarget {
  options?: { command?: string };
  outputs?: string[];
}

function buildTarget(project: string): ProjectTarget | undefined {
  const file = join('apps', project, 'project.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { targets?: Record<string, ProjectTarget> }).targets?.['build'];
}

function outputsOf(project: string): string[] {
  return (buildTarget(project)?.outputs ?? []).map((output) => output.replace('{workspaceRoot}/', ''));
}

const stripSlash = (path: string) => path.replace(/\/+$/, '').replace(/^\/repo\//, '');

describe('infra/docker/app.Dockerfile', () => {
  const dockerfile: Dockerfile = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
  const ignore = dockerignoreFor(DOCKERFILE, (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined));
  const dockerignore = ignore.text;
  const compose = readComposeStack();
  const apps = appNames();
  let facts: Map<string, AppConfigFacts>;
  let routes: OperationalRoutes;

  beforeAll(async () => {
    facts = readAppConfigFacts();
    routes = await operationalRoutes();
  }, READ_FACTS_TIMEOUT_MS);

  /** Every image docker-compose.yml builds from this Dockerfile: app → target and build args. */
  const builds = apps.map((app) => {
    const build = compose.services[app]?.build;
    if (!build || build.dockerfile !== DOCKERFILE) throw new Error(`docker-compose.yml does not build ${app} from ${DOCKERFILE}`);
    return { app, target: build.target ?? dockerfile.stages.at(-1)!.name, args: build.args ?? {} };
  });
  const targets = [...new Set(builds.map((b) => b.target))];
  const lastUser = (instructions: Instruction[]) => instructions.filter((i) => i.keyword === 'USER').at(-1)?.args;

  it('is a multi-stage build whose runtime images start from the same base as the build', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(3);
    const buildBase = baseImage(dockerfile, 'install');
    for (const target of targets) {
      expect(dockerfile.stages.some((s) => s.name === target), `target ${target}`).toBe(true);
      // Same base: node_modules' native parts were installed for it.
      expect(baseImage(dockerfile, target), target).toBe(buildBase);
      // The runtime chain itself starts fresh, not from a build stage.
      expect(stageChain(dockerfile, target).map((s) => s.name)).not.toContain('install');
    }
    expect(buildBase).toMatch(/^node:20\.\d+-(bookworm-slim|alpine)$/);
  });

  it('runs every runtime image as the unprivileged node user', () => {
    for (const target of targets) {
      const user = lastUser(effectiveInstructions(dockerfile, target));
      expect(user, target).toBe('node');
    }
  });

  it('carries production dependencies only: node_modules from a pruned stage, no install and no source tree at run time', () => {
    for (const target of targets) {
      const runtime = effectiveInstructions(dockerfile, target);
      expect(runtime.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args)), target).toEqual([]);
      for (const copy of runtime.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD').map((i) => parseCopy(i.args))) {
        expect(copy.sources, `${target}: the whole build context`).not.toContain('.');
        if (!copy.sources.some((s) => s.includes('node_modules'))) continue;
        expect(copy.from, `${target}: node_modules must come from a stage`).toBeDefined();
        const producer = effectiveInstructions(dockerfile, copy.from!).filter((i) => i.keyword === 'RUN').map((i) => i.args);
        const lastInstall = producer.findLastIndex((run) => /\bnpm ci\b/.test(run) && !/--omit=dev/.test(run));
        const prune = producer.findLastIndex((run) => /\bnpm (prune|ci)\b[^&|;]*--omit=dev/.test(run));
        expect(prune, `${copy.from} prunes dev dependencies after installing them`).toBeGreaterThan(lastInstall);
      }
    }
  });

  it('keeps local state, build output and secrets out of the build context', () => {
    // The install stage copies the whole context: none of this may reach the builder.
    for (const path of ['node_modules', 'apps/gateway/node_modules', 'dist/apps/gateway/main.js', '.git', '.env', 'apps/ingest/.env', '.freshet/logs/a.log', 'x.log', '.nx', 'coverage', 'tmp']) {
      expect(ignoredByDockerignore(dockerignore, path), `${ignore.path} ignores ${path}`).toBe(true);
    }
    // What the build needs stays in.
    for (const path of ['package.json', 'package-lock.json', 'apps/ingest/src/main.ts', 'libs/bus/src/index.ts', 'tools/build/bundle.ts', 'nx.json']) {
      expect(ignoredByDockerignore(dockerignore, path), `${ignore.path} keeps ${path}`).toBe(false);
    }
  });

  it('copies from the build context only files that exist and the ignore file lets through', () => {
    for (const stage of dockerfile.stages) {
      for (const instruction of stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
        const copy = parseCopy(instruction.args);
        if (copy.from !== undefined) continue;
        for (const source of copy.sources) {
          expect(existsSync(source), `${stage.name}: COPY ${source} (line ${instruction.line})`).toBe(true);
          if (source !== '.') expect(ignoredByDockerignore(dockerignore, source), `${source} is in .dockerignore`).toBe(false);
        }
      }
    }
  });

  it("copies each app's bundle from where its Nx build target writes it, built by that target", () => {
    const buildRuns = dockerfile.stages.find((s) => s.name === 'build')!.instructions.filter((i) => i.keyword === 'RUN');
    expect(buildRuns.some((run) => /\bnx run "?\$APP:build"?/.test(run.args)), 'the build stage runs nx run $APP:build').toBe(true);
    for (const { app, target, args } of builds) {
      const copies = effectiveInstructions(dockerfile, target)
        .filter((i) => i.keyword === 'COPY')
        .map((i) => parseCopy(i.args))
        .filter((c) => c.from === 'build');
      expect(copies.length, `${target} copies the bundle`).toBe(1);
      const source = stripSlash(substitute(copies[0]!.sources[0]!, { APP: app, PORT: args['PORT'] }));
      expect(outputsOf(app), `${app} build outputs`).toContain(source);
      // The bundle the CMD runs is what the build target writes.
      expect(buildTarget(app)?.options?.command, `${app} build command`).toContain(`${source}/main.js`);
    }
    const cmd = execForm(effectiveInstructions(dockerfile, 'app').filter((i) => i.keyword === 'CMD').at(-1)!.args);
    expect(cmd?.[0]).toBe('node');
    expect(cmd?.at(-1)).toBe('main.js');
  });

  it('bundles ingest’s replay command from a real entry', () => {
    const replay = dockerfile.stages.find((s) => s.name === 'build')!.instructions.find((i) => i.args.includes('replay'));
    const entry = /(apps\/ingest\/src\/\S+\.ts)/.exec(replay?.args ?? '')?.[1];
    expect(entry && existsSync(entry), `replay entry ${entry}`).toBe(true);
  });

  it('gives the gateway image the built dashboard, where GATEWAY_DASHBOARD_DIR points', () => {
    const gatewayTarget = builds.find((b) => b.app === 'gateway')!.target;
    const instructions = effectiveInstructions(dockerfile, gatewayTarget);
    const dashboardCopy = instructions
      .filter((i) => i.keyword === 'COPY')
      .map((i) => parseCopy(i.args))
      .find((c) => c.from === 'dashboard');
    expect(dashboardCopy, 'COPY --from=dashboard').toBeDefined();
    const dashboardRuns = dockerfile.stages.find((s) => s.name === 'dashboard')!.instructions.map((i) => i.args);
    expect(dashboardRuns.some((run) => /\bnx run dashboard:build\b/.test(run))).toBe(true);
    expect(existsSync('apps/dashboard/project.json'), 'apps/dashboard exists (nx run dashboard:build)').toBe(true);
    expect(outputsOf('dashboard')).toContain(stripSlash(dashboardCopy!.sources[0]!));

    const env = new Map(instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => [...parseEnv(i.args)]));
    expect(appReadsEnv(facts.get('gateway')!, 'GATEWAY_DASHBOARD_DIR')).toBe(true);
    expect(stripSlash(env.get('GATEWAY_DASHBOARD_DIR') ?? '')).toBe(stripSlash(dashboardCopy!.destination));
    // Only the gateway's image carries it.
    for (const { target } of builds.filter((b) => b.app !== 'gateway')) {
      expect(effectiveInstructions(dockerfile, target).some((i) => i.args.includes('dashboard'))).toBe(false);
    }
  });

  it("exposes and sets the app's own port, and sets only variables the app reads", () => {
    for (const { app, target, args } of builds) {
      const instructions = effectiveInstructions(dockerfile, target);
      const values = { APP: app, PORT: args['PORT'] };
      expect(Number(args['PORT']), `${app}: build arg PORT is its config's default port`).toBe(facts.get(app)!.defaultPort);
      const exposed = instructions.filter((i) => i.keyword === 'EXPOSE').map((i) => Number(substitute(i.args, values)));
      expect(exposed, app).toEqual([facts.get(app)!.defaultPort]);
      const env = new Map(instructions.filter((i) => i.keyword === 'ENV').flatMap((i) => [...parseEnv(i.args)]));
      expect(substitute(env.get('PORT') ?? '', values), `${app} ENV PORT`).toBe(String(facts.get(app)!.defaultPort));
      for (const name of env.keys()) {
        // NODE_ENV is read by Node libraries (Fastify, React's build), not by app config.
        if (name === 'NODE_ENV') continue;
        expect(appReadsEnv(facts.get(app)!, name), `${app} reads ${name}`).toBe(true);
      }
    }
  });

  it('probes the real liveness route with the probe it copies in, exec form', () => {
    for (const target of targets) {
      const instructions = effectiveInstructions(dockerfile, target);
      const healthcheck = instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
      expect(healthcheck, target).toBeDefined();
      const command = execForm(healthcheck!.args.replace(/^.*?\bCMD\s+/s, ''));
      expect(command?.slice(0, 2)).toEqual(['node', 'healthcheck.mjs']);
      expect(command?.[2]).toBe(routes.liveness);
      const probeCopy = instructions
        .filter((i) => i.keyword === 'COPY')
        .map((i) => parseCopy(i.args))
        .find((c) => c.destination.endsWith('healthcheck.mjs'));
      expect(probeCopy?.sources).toEqual(['infra/docker/healthcheck.mjs']);
    }
  });

  it('runs node as PID 1 in exec form, and every app stops gracefully on SIGTERM', () => {
    for (const target of targets) {
      const instructions = effectiveInstructions(dockerfile, target);
      expect(instructions.filter((i) => i.keyword === 'ENTRYPOINT')).toEqual([]);
      expect(execForm(instructions.filter((i) => i.keyword === 'CMD').at(-1)!.args)).toBeDefined();
      const stopSignal = instructions.filter((i) => i.keyword === 'STOPSIGNAL').at(-1)?.args ?? 'SIGTERM';
      expect(stopSignal).toBe('SIGTERM');
    }
    // Each main.ts handles the signal itself or through runService, which does.
    expect(readFileSync('libs/telemetry/src/run-service.ts', 'utf8')).toMatch(/onShutdownSignal\(/);
    for (const app of apps) {
      expect(readFileSync(`apps/${app}/src/main.ts`, 'utf8'), `${app} main.ts`).toMatch(/\b(onShutdownSignal|runService)\(/);
    }
  });
});

describe('the runtime images’ node_modules', () => {
  // The runtime image keeps only `dependencies` (npm prune --omit=dev), and the bundles
  // leave every third-party package external (tools/build/bundle.ts): a package an app
  // imports from devDependencies would be missing at run time. Bundled here the same way,
  // in memory, to list what each entry really imports.
  const rootPackage = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const thirdParty = Object.keys({ ...rootPackage.dependencies, ...rootPackage.devDependencies });
  const entries = [...appNames().map((app) => `apps/${app}/src/main.ts`), 'apps/ingest/src/replay-main.ts'];

  it.each(entries)('%s imports only production dependencies', async (entry) => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      outfile: 'out.js',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      metafile: true,
      logLevel: 'silent',
      external: thirdParty.flatMap((name) => [name, `${name}/*`]),
    });
    const imported = Object.values(result.metafile.outputs)
      .flatMap((output) => output.imports)
      .filter((i) => i.external && !i.path.startsWith('node:'))
      .map((i) => (i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0]!));
    expect(imported.length, `${entry} imports third-party packages`).toBeGreaterThan(0);
    expect([...new Set(imported)].filter((name) => !(name in rootPackage.dependencies))).toEqual([]);
  });
});
