// Renders the kustomizations in infra/ the way `kubectl kustomize` does, for the subset they
// use: `resources` (files and directories with their own kustomization) and ConfigMaps
// from `configMapGenerator` without name hashes. Anything else in a kustomization.yaml is
// refused, so the checks never look at something kustomize would render differently;
// kustomize-render.int.spec.ts compares the two wherever kubectl is installed.
import { readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface RenderedObject {
  object: K8sObject;
  /** The file it came from (or the kustomization that generated it), relative to the repository. */
  file: string;
}

interface ConfigMapGeneratorEntry {
  name: string;
  namespace?: string;
  behavior?: string;
  files?: string[];
  literals?: string[];
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  configMapGenerator?: ConfigMapGeneratorEntry[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'configMapGenerator', 'generatorOptions']);

export function objectId(object: K8sObject): string {
  return `${object.kind}/${object.metadata.namespace ?? '-'}/${object.metadata.name}`;
}

function readKustomization(dir: string): Kustomization {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unsupported = Object.keys(kustomization).filter((field) => !SUPPORTED_FIELDS.has(field));
  if (unsupported.length > 0) throw new Error(`${dir}/kustomization.yaml: ${unsupported.join(', ')} not supported by tools/deploy/kustomize.ts`);
  if (kustomization.kind !== 'Kustomization') throw new Error(`${dir}/kustomization.yaml: kind must be Kustomization`);
  if (kustomization.configMapGenerator && kustomization.generatorOptions?.disableNameSuffixHash !== true) {
    throw new Error(`${dir}/kustomization.yaml: configMapGenerator needs generatorOptions.disableNameSuffixHash: true here (hash suffixes are not emulated)`);
  }
  return kustomization;
}

function readObjects(file: string, root: string): RenderedObject[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
    const object = document.toJS() as K8sObject | null;
    if (object === null) return [];
    if (typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') throw new Error(`${file}: an object without kind or metadata.name`);
    return [{ object, file: relative(root, file) }];
  });
}

function generateConfigMap(dir: string, entry: ConfigMapGeneratorEntry, root: string): RenderedObject {
  if ((entry.behavior ?? 'create') !== 'create') throw new Error(`${dir}: configMapGenerator behavior ${entry.behavior} not supported`);
  const data: Record<string, string> = {};
  for (const spec of entry.files ?? []) {
    const [key, path] = spec.includes('=') ? (spec.split('=', 2) as [string, string]) : [basename(spec), spec];
    data[key] = readFileSync(join(dir, path), 'utf8');
  }
  for (const literal of entry.literals ?? []) {
    const eq = literal.indexOf('=');
    data[literal.slice(0, eq)] = literal.slice(eq + 1);
  }
  const metadata = { name: entry.name, ...(entry.namespace ? { namespace: entry.namespace } : {}) };
  return { object: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data }, file: relative(root, join(dir, 'kustomization.yaml')) };
}

/** Every object `kubectl kustomize <dir>` would output (in no particular order). */
export function renderKustomization(dir: string, root = '.'): RenderedObject[] {
  const kustomization = readKustomization(dir);
  const rendered: RenderedObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    rendered.push(...(statSync(path).isDirectory() ? renderKustomization(path, root) : readObjects(path, root)));
  }
  for (const entry of kustomization.configMapGenerator ?? []) rendered.push(generateConfigMap(dir, entry, root));
  const seen = new Map<string, string>();
  for (const { object, file } of rendered) {
    const id = objectId(object);
    if (seen.has(id)) throw new Error(`${id} is defined twice (${seen.get(id)} and ${file})`);
    seen.set(id, file);
  }
  return rendered;
}
