// Images in Kubernetes manifests: every container list of a pod spec, wherever a workload keeps
// its pod template, and image volumes. Sources: Kubernetes API reference, PodSpec
// (`containers`, `initContainers`, `ephemeralContainers`, each `image`); workload templates
// (`spec.template` of Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job;
// `spec.jobTemplate.spec.template` of CronJob; `template` of PodTemplate); kubernetes.io "Use an
// Image Volume With a Pod": `spec.volumes[].image.reference` "behaves in the same way as
// pod.spec.containers[*].image". Anything else (a ConfigMap's data, annotations) is not an image.
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { LineIndex } from '../lineIndex';
import type { DocumentProblem, ExtractionResult, ImageOccurrence } from '../types';
import {
  inDocumentOrder,
  isStringScalar,
  lineOf,
  mapGet,
  mapKey,
  parseYamlDocuments,
  scalarOccurrence,
  templatePlaceholderResolution,
} from './yamlImages';

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;
/** Kinds whose objects hold data, never a pod: nothing inside them is read as an image. */
const DATA_KINDS = new Set(['ConfigMap', 'Secret', 'CustomResourceDefinition']);

export function extractKubernetesImages(text: string): ExtractionResult {
  const lines = new LineIndex(text);
  const { documents, problems } = parseYamlDocuments(lines, 'manifest');
  const occurrences: ImageOccurrence[] = [];
  for (const doc of documents) visitObject(lines, doc.contents as Node | null, occurrences, problems);
  return { occurrences: inDocumentOrder(occurrences), problems };
}

function visitObject(
  lines: LineIndex,
  object: Node | null | undefined,
  out: ImageOccurrence[],
  problems: DocumentProblem[],
): void {
  if (!isMap(object)) return;
  const kind = stringValue(mapGet(object, 'kind'));
  if (!kind || !stringValue(mapGet(object, 'apiVersion')) || DATA_KINDS.has(kind)) return;
  if (kind.endsWith('List')) {
    const items = mapGet(object, 'items');
    if (isSeq(items)) for (const item of items.items) visitObject(lines, item as Node, out, problems);
    return;
  }
  const spec = mapGet(object, 'spec');
  if (kind === 'Pod') {
    podSpec(lines, spec, out, problems);
    return;
  }
  // Workloads, CronJob, PodTemplate and custom resources that follow the same layout (Argo
  // Rollouts, OpenKruise): a pod template at spec.template or spec.jobTemplate.spec.template.
  podSpec(lines, mapGet(mapGet(object, 'template'), 'spec'), out, problems);
  podSpec(lines, mapGet(mapGet(spec, 'template'), 'spec'), out, problems);
  podSpec(lines, mapGet(mapGet(mapGet(mapGet(spec, 'jobTemplate'), 'spec'), 'template'), 'spec'), out, problems);
}

function podSpec(lines: LineIndex, spec: Node | undefined, out: ImageOccurrence[], problems: DocumentProblem[]): void {
  if (!isMap(spec)) return;
  for (const list of CONTAINER_LISTS) {
    const containers = mapGet(spec, list);
    if (!isSeq(containers)) continue;
    for (const container of containers.items) {
      const image = mapGet(container, 'image');
      if (!isStringScalar(image)) continue;
      const occurrence = scalarOccurrence(
        lines,
        image,
        {
          source: 'kubernetes-image',
          keyLine: lineOf(lines, mapKey(container, 'image'), image),
          resolve: templatePlaceholderResolution,
        },
        problems,
      );
      if (occurrence) out.push(occurrence);
    }
  }
  const volumes = mapGet(spec, 'volumes');
  if (!isSeq(volumes)) return;
  for (const volume of volumes.items) {
    const image = mapGet(volume, 'image');
    const reference = mapGet(image, 'reference');
    if (!isStringScalar(reference)) continue;
    const occurrence = scalarOccurrence(
      lines,
      reference,
      {
        source: 'kubernetes-image-volume',
        keyLine: lineOf(lines, mapKey(image, 'reference'), reference),
        resolve: templatePlaceholderResolution,
      },
      problems,
    );
    if (occurrence) out.push(occurrence);
  }
}

function stringValue(node: Node | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** Whether some document of the YAML text is a Kubernetes object: top-level string `apiVersion` and `kind`. */
export function looksLikeKubernetes(text: string): boolean {
  // Cheap test first: both keys written somewhere (block or flow style).
  if (!/^[ \t{]*["']?apiVersion["']?[ \t]*:/m.test(text) || !/^[ \t{]*["']?kind["']?[ \t]*:/m.test(text)) return false;
  try {
    for (const doc of parseAllDocuments(text, { strict: false, uniqueKeys: false }) as Document.Parsed[]) {
      const root = doc.contents as Node | null;
      if (stringValue(mapGet(root, 'apiVersion')) && stringValue(mapGet(root, 'kind'))) return true;
    }
  } catch {
    return false;
  }
  return false;
}
