// Images in GitHub Actions workflows and action metadata. Sources: GitHub Docs "Workflow syntax
// for GitHub Actions" (`jobs.<job_id>.container` as a string or `{ image }`,
// `jobs.<job_id>.services.<service_id>` likewise, `jobs.<job_id>.steps[*].uses: docker://image`)
// and "Metadata syntax for GitHub Actions" (`runs.image: docker://image` for Docker container
// actions; `runs.image: Dockerfile` names a file, checked as a Dockerfile). `uses: owner/repo@v4`
// is an action, not an image.
import { isMap, isSeq, type Node } from 'yaml';
import { LineIndex } from '../lineIndex';
import type { DocumentProblem, ExtractionResult, ImageOccurrence, ReferenceSource } from '../types';
import {
  inDocumentOrder,
  actionsExpressionResolution,
  isStringScalar,
  lineOf,
  mapGet,
  mapKey,
  parseYamlDocuments,
  scalarOccurrence,
} from './yamlImages';

export function extractGithubActionsImages(text: string): ExtractionResult {
  const lines = new LineIndex(text);
  const { documents, problems } = parseYamlDocuments(lines, 'workflow');
  const occurrences: ImageOccurrence[] = [];
  const add = (node: Node | undefined, keyNode: Node | undefined, source: ReferenceSource, prefix?: string): void => {
    if (!isStringScalar(node)) return;
    const occurrence = scalarOccurrence(
      lines,
      node,
      { source, keyLine: lineOf(lines, keyNode, node), prefix, resolve: actionsExpressionResolution },
      problems,
    );
    if (occurrence) occurrences.push(occurrence);
  };
  // A container or service: a string, or a map whose `image` is the reference.
  const containerLike = (owner: Node | undefined, key: string, source: ReferenceSource, value: Node | undefined) => {
    if (isMap(value)) add(mapGet(value, 'image'), mapKey(value, 'image'), source);
    else add(value, mapKey(owner, key), source);
  };
  for (const doc of documents) {
    const root = doc.contents as Node | null;
    if (!isMap(root)) continue;
    const jobs = mapGet(root, 'jobs');
    if (isMap(jobs)) {
      for (const jobPair of jobs.items) {
        const job = jobPair.value as Node | undefined;
        if (!isMap(job)) continue;
        containerLike(job, 'container', 'actions-container', mapGet(job, 'container'));
        const services = mapGet(job, 'services');
        if (isMap(services))
          for (const service of services.items)
            containerLike(
              services,
              String((service.key as { value?: unknown })?.value ?? ''),
              'actions-service',
              service.value as Node,
            );
        steps(mapGet(job, 'steps'));
      }
    }
    const runs = mapGet(root, 'runs');
    if (isMap(runs)) {
      add(mapGet(runs, 'image'), mapKey(runs, 'image'), 'actions-runs', 'docker://');
      steps(mapGet(runs, 'steps'));
    }
  }
  function steps(list: Node | undefined): void {
    if (!isSeq(list)) return;
    for (const step of list.items) add(mapGet(step, 'uses'), mapKey(step, 'uses'), 'actions-step', 'docker://');
  }
  return { occurrences: inDocumentOrder(occurrences), problems: problems as DocumentProblem[] };
}
