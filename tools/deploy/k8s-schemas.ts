// Checks manifests against the Kubernetes API schemas, twice:
// 1. kubernetes-models' JSON-schema validation (`new Deployment(obj).validate()`): types,
//    required fields, formats such as resource quantities.
// 2. The same package's TypeScript interfaces, with the objects written out as literals
//    and compiled: TypeScript's excess-property check refuses a field the API does not
//    have anywhere in the object (a `readinesProbe` typo), which the JSON schemas, open to
//    unknown fields like the API's own OpenAPI, let through.
import { createRequire } from 'node:module';
import ts from 'typescript';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { K8sObject } from './kustomize';

interface ModelClass {
  new (data: never): { validate(): void };
}

interface KindModel {
  model: ModelClass;
  /** Module and interface of the same kind, for the compile-time check. */
  module: string;
  typeName: string;
}

const MODELS: Record<string, KindModel> = {
  'v1/Namespace': { model: Namespace as unknown as ModelClass, module: 'kubernetes-models/v1/Namespace', typeName: 'INamespace' },
  'v1/ConfigMap': { model: ConfigMap as unknown as ModelClass, module: 'kubernetes-models/v1/ConfigMap', typeName: 'IConfigMap' },
  'v1/Secret': { model: Secret as unknown as ModelClass, module: 'kubernetes-models/v1/Secret', typeName: 'ISecret' },
  'v1/Service': { model: Service as unknown as ModelClass, module: 'kubernetes-models/v1/Service', typeName: 'IService' },
  'apps/v1/Deployment': { model: Deployment as unknown as ModelClass, module: 'kubernetes-models/apps/v1/Deployment', typeName: 'IDeployment' },
  'apps/v1/StatefulSet': { model: StatefulSet as unknown as ModelClass, module: 'kubernetes-models/apps/v1/StatefulSet', typeName: 'IStatefulSet' },
  'batch/v1/Job': { model: Job as unknown as ModelClass, module: 'kubernetes-models/batch/v1/Job', typeName: 'IJob' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler as unknown as ModelClass,
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    typeName: 'IHorizontalPodAutoscaler',
  },
  'policy/v1/PodDisruptionBudget': {
    model: PodDisruptionBudget as unknown as ModelClass,
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    typeName: 'IPodDisruptionBudget',
  },
};

function kindKey(object: K8sObject): string {
  return `${object.apiVersion}/${object.kind}`;
}

/** The schema error of one object, or undefined when it is valid. */
export function schemaError(object: K8sObject): string | undefined {
  const known = MODELS[kindKey(object)];
  if (!known) return `no schema for ${kindKey(object)} (add it to tools/deploy/k8s-schemas.ts)`;
  try {
    new known.model(object as never).validate();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Fields the API does not know, per object index: compile `const o<i>: I<Kind> = <object>`
 * for every object and keep TypeScript's diagnostics (excess properties, wrong types).
 */
export function unknownFieldErrors(objects: readonly K8sObject[]): Map<number, string[]> {
  const imports = new Set<string>();
  const lines: string[] = [];
  objects.forEach((object, index) => {
    const known = MODELS[kindKey(object)];
    if (!known) return;
    const alias = `${known.typeName}_${index}`;
    imports.add(`import type { ${known.typeName} as ${alias} } from '${known.module}';`);
    lines.push(`export const o${index}: ${alias} = ${JSON.stringify(object)};`);
  });
  const fileName = '/virtual/manifests.ts';
  const text = `${[...imports].join('\n')}\n${lines.join('\n')}\n`;
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError, create) => (name === fileName ? source : getSourceFile(name, language, onError, create));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  // Resolve kubernetes-models from this repository's node_modules, wherever the virtual file "is".
  const require = createRequire(import.meta.url);
  const packageDir = require.resolve('kubernetes-models/package.json').replace(/package\.json$/, '');
  host.resolveModuleNames = (names, containingFile) =>
    names.map((name) => {
      const redirected = containingFile === fileName && name.startsWith('kubernetes-models/') ? `${packageDir}${name.slice('kubernetes-models/'.length)}.d.ts` : undefined;
      if (redirected) return { resolvedFileName: redirected, extension: ts.Extension.Dts, isExternalLibraryImport: true };
      return ts.resolveModuleName(name, containingFile, options, host).resolvedModule;
    });
  const program = ts.createProgram([fileName], options, host);
  const errors = new Map<number, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (diagnostic.file?.fileName !== fileName || diagnostic.start === undefined) {
      throw new Error(`manifest type check: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const match = /^export const o(\d+):/.exec(text.split('\n')[line] ?? '');
    const index = match ? Number(match[1]) : -1;
    errors.set(index, [...(errors.get(index) ?? []), ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')]);
  }
  return errors;
}
