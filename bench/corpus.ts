// Generated inputs for the benchmark: Dockerfiles and compose files in the shapes people write
// (multi-stage builds, ARG-driven bases, --platform, COPY --from, RUN --mount from=, compose
// defaults from the environment), with real image names and tags from the official-images fixture.
// Everything is deterministic (seeded), so two runs measure the same text.
import { cpSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { detectFileKind } from '../server/src/core/kinds/fileKinds';
import type { ImageFileKind } from '../server/src/core/types';

const ROOT = join(__dirname, '..');

export type Random = () => number;

/** mulberry32: small, fast, good enough to vary text deterministically. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

let officialTags: Record<string, string[]> | undefined;
function tagsByImage(): Record<string, string[]> {
  if (!officialTags) {
    const parsed = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'official-tags-subset.json'), 'utf8')) as {
      tags: Record<string, string[]>;
    };
    officialTags = parsed.tags;
  }
  return officialTags;
}

const FAKE_DIGEST_HEX = '7edf5efe6b86dbf01ccc3c76b32a37a8e23b84e6bad81ce8ae8c221fa456fda8';

/** A reference the way people write one: mostly tagged official images, some latest, untagged, pinned, private or community. */
export function realisticReference(random: Random): string {
  const tags = tagsByImage();
  const image = pick(random, Object.keys(tags));
  const tag = pick(random, tags[image]);
  const roll = random();
  if (roll < 0.55) return `${image}:${tag}`;
  if (roll < 0.62) return `${image}:latest`;
  if (roll < 0.67) return image;
  if (roll < 0.75) return `${image}:${tag}@sha256:${FAKE_DIGEST_HEX}`;
  if (roll < 0.85)
    return `ghcr.io/acme/${pick(random, ['api', 'worker', 'base', 'tools', 'wheels'])}:${Math.floor(random() * 5)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`;
  if (roll < 0.93) return `${pick(random, ['bitnami', 'someuser', 'grafana', 'acmecorp'])}/${image}:${tag}`;
  return `registry.example.com/platform/${image}:${tag}`;
}

const RUN_LINES = [
  'RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/*',
  'RUN npm ci --omit=dev',
  'RUN pip install --no-cache-dir -r requirements.txt',
  'RUN go build -trimpath -ldflags="-s -w" -o /out/app ./cmd/app',
  'RUN ./mvnw -B -q package -DskipTests',
  'RUN cargo build --release --locked',
  'RUN addgroup -S app && adduser -S app -G app',
  'RUN set -eux; \\\n    mkdir -p /app/data; \\\n    chown -R 1000:1000 /app',
];

/** One build stage of a multi-stage Dockerfile, `lines` long or a little more. */
function dockerfileStage(random: Random, index: number, lines: number, previousStage?: string): string[] {
  const out: string[] = [];
  const ref = realisticReference(random);
  const shape = random();
  if (shape < 0.15) {
    out.push(`ARG BASE_${index}=${ref}`, `FROM \${BASE_${index}} AS stage${index}`);
  } else if (shape < 0.3) {
    out.push(`FROM --platform=$BUILDPLATFORM ${ref} AS stage${index}`);
  } else if (shape < 0.38) {
    out.push('# image-trust-ignore=unpinned-digest', `FROM ${ref} AS stage${index}`);
  } else {
    out.push(`FROM ${ref} AS stage${index}`);
  }
  out.push(
    'WORKDIR /app',
    `ENV APP_STAGE=${index} APP_HOME=/app`,
    `LABEL org.opencontainers.image.title="stage ${index}"`,
  );
  while (out.length < lines - 2) {
    const roll = random();
    if (roll < 0.45) out.push(...pick(random, RUN_LINES).split('\n'));
    else if (roll < 0.6) out.push('COPY . .');
    else if (roll < 0.7 && previousStage) out.push(`COPY --from=${previousStage} /out /opt/${previousStage}`);
    else if (roll < 0.78) out.push(`COPY --from=${realisticReference(random)} /usr/local/bin/tool /usr/local/bin/tool`);
    else if (roll < 0.84)
      out.push(
        `RUN --mount=type=bind,from=${realisticReference(random)},source=/wheels,target=/wheels pip install /wheels/*.whl`,
      );
    else if (roll < 0.92) out.push(`# step ${out.length}: keep the layer small`);
    else out.push('');
  }
  out.push('EXPOSE 8080', 'CMD ["/app/start.sh"]');
  return out;
}

/** A Dockerfile of exactly `lines` lines (multi-stage, about 25 lines a stage). */
export function generateDockerfile(lines: number, seed: number): string {
  const random = seededRandom(seed);
  const out: string[] = ['# syntax=docker/dockerfile:1', 'ARG NODE_VERSION=20'];
  let stage = 0;
  while (out.length < lines) {
    const length = Math.min(lines - out.length, 18 + Math.floor(random() * 14));
    out.push(...dockerfileStage(random, stage, length, stage > 0 ? `stage${stage - 1}` : undefined));
    stage++;
  }
  const kept = out.slice(0, lines);
  // Never end inside a line continuation.
  if (kept[kept.length - 1].endsWith('\\')) kept[kept.length - 1] = 'RUN true';
  return `${kept.join('\n')}\n`;
}

/** A compose file with `services` services in common shapes. */
export function generateCompose(services: number, seed: number): string {
  const random = seededRandom(seed);
  const out: string[] = ['# generated for the benchmark', 'name: bench', 'services:'];
  for (let i = 0; i < services; i++) {
    const ref = realisticReference(random);
    out.push(`  svc${i}:`);
    const roll = random();
    if (roll < 0.15) out.push(`    image: \${SVC${i}_IMAGE:-${ref}}`);
    else if (roll < 0.25) out.push(`    image: "${ref}"`);
    else if (roll < 0.3) out.push('    # image-trust-ignore=latest-tag', `    image: ${ref}`);
    else out.push(`    image: ${ref}`);
    if (random() < 0.3) out.push(`    build: ./svc${i}`);
    out.push('    restart: unless-stopped');
    if (random() < 0.6) out.push('    ports:', `      - "${8000 + i}:8080"`);
    out.push('    environment:', `      LOG_LEVEL: info`, `      SERVICE_NAME: svc${i}`);
    if (i > 0 && random() < 0.5) out.push('    depends_on:', `      - svc${i - 1}`);
    if (random() < 0.3) {
      out.push(
        '    healthcheck:',
        '      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]',
        '      interval: 30s',
        '      retries: 3',
      );
    }
    if (random() < 0.3) out.push('    volumes:', `      - svc${i}-data:/var/lib/data`);
  }
  return `${out.join('\n')}\n`;
}

/** The 50-line Dockerfile of the typing benchmark: a realistic multi-stage build. */
export function smallDockerfile(): string {
  return generateDockerfile(50, 50);
}

export interface CorpusFile {
  /** Path relative to the corpus root. */
  path: string;
  kind: ImageFileKind;
}

function exampleFiles(): Array<{ name: string; kind: 'dockerfile' | 'compose'; text: string }> {
  const dir = join(ROOT, 'examples');
  const found: Array<{ name: string; kind: 'dockerfile' | 'compose'; text: string }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/^(Dockerfile|Containerfile)/.test(name))
        found.push({ name: relative(dir, p), kind: 'dockerfile', text: readFileSync(p, 'utf8') });
      else if (/compose.*\.ya?ml$/.test(name))
        found.push({ name: relative(dir, p), kind: 'compose', text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return found;
}

/**
 * A repository of `count` files under `root`: the examples/ files copied as they are, then
 * generated Dockerfiles (10-120 lines, 70%) and compose files (3-25 services, 30%), one per folder
 * as in a monorepo.
 */
export function writeRepositoryCorpus(root: string, count: number, seed = 7): CorpusFile[] {
  const random = seededRandom(seed);
  const files: CorpusFile[] = [];
  const examples = exampleFiles();
  for (let i = 0; i < count; i++) {
    const folder = join(root, `svc-${String(i).padStart(4, '0')}`);
    mkdirSync(folder, { recursive: true });
    let name: string;
    let kind: 'dockerfile' | 'compose';
    let text: string;
    if (i < examples.length * 4) {
      // The examples, several times, with their real quirks (escape directives, lowercase `from`, invalid references).
      const example = examples[i % examples.length];
      kind = example.kind;
      name = kind === 'compose' ? 'compose.yaml' : example.name.split('/').pop()!;
      text = example.text;
    } else if (random() < 0.7) {
      kind = 'dockerfile';
      name = pick(random, [
        'Dockerfile',
        'Dockerfile',
        'Dockerfile',
        'Containerfile',
        'Dockerfile.prod',
        'app.Dockerfile',
      ]);
      text = generateDockerfile(10 + Math.floor(random() * 110), seed * 1000 + i);
    } else {
      kind = 'compose';
      name = pick(random, ['compose.yaml', 'docker-compose.yml', 'compose.prod.yaml']);
      text = generateCompose(3 + Math.floor(random() * 23), seed * 1000 + i);
    }
    writeFileSync(join(folder, name), text);
    files.push({ path: relative(root, join(folder, name)), kind });
  }
  return files;
}

/**
 * The other file kinds on top of the Dockerfiles and compose files: the real files of
 * test/fixtures/kinds once, then generated Kubernetes manifests, Helm values, workflows, GitLab CI
 * and dev container files (`count` in all), each in the folder layout that names its kind.
 */
export function writeOtherKinds(root: string, count: number, seed = 7): CorpusFile[] {
  const random = seededRandom(seed + 1);
  const files: CorpusFile[] = [];
  const fixtures = join(ROOT, 'test', 'fixtures', 'kinds');
  cpSync(fixtures, join(root, 'kinds-fixtures'), { recursive: true });
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const kind = detectFileKind(p, { readText: () => readFileSync(p, 'utf8') });
        if (kind && kind !== 'policy') files.push({ path: relative(root, p), kind });
      }
    }
  };
  walk(join(root, 'kinds-fixtures'));
  const kinds = ['kubernetes', 'helm-values', 'github-actions', 'gitlab-ci', 'devcontainer'] as const;
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length];
    const images = Array.from({ length: 2 + Math.floor(random() * 8) }, () => realisticReference(random));
    const [path, text] = otherKindFile(kind, i, images);
    const full = join(root, `kind-${String(i).padStart(4, '0')}`, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    files.push({ path: relative(root, full), kind });
  }
  return files;
}

function otherKindFile(kind: ImageFileKind, i: number, images: string[]): [string, string] {
  switch (kind) {
    case 'kubernetes':
      return [
        `deploy/app-${i}.yaml`,
        images
          .map(
            (image, n) =>
              `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}-${n}\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: init\n        image: ${image}\n      containers:\n      - name: app\n        image: "${image}"\n        ports:\n        - containerPort: 8080\n`,
          )
          .join('---\n'),
      ];
    case 'helm-values':
      return [
        'chart/values.yaml',
        images
          .map((image, n) => {
            const at = image.lastIndexOf(':');
            const slash = image.lastIndexOf('/');
            const [repository, tag] =
              at > slash && !image.includes('@') ? [image.slice(0, at), image.slice(at + 1)] : [image, 'latest'];
            return `component${n}:\n  replicas: 2\n  image:\n    repository: ${repository}\n    tag: "${tag}"\n    pullPolicy: IfNotPresent\n  sidecarImage: ${image}\n`;
          })
          .join(''),
      ];
    case 'github-actions':
      return [
        '.github/workflows/ci.yml',
        `on: push\njobs:\n${images.map((image, n) => `  job${n}:\n    runs-on: ubuntu-latest\n    container: ${image}\n    services:\n      db:\n        image: ${image}\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker://${image}\n`).join('')}`,
      ];
    case 'gitlab-ci':
      return [
        '.gitlab-ci.yml',
        `stages: [test]\ndefault:\n  image: ${images[0]}\n${images.map((image, n) => `job${n}:\n  image:\n    name: ${image}\n  services:\n    - ${image}\n  script: [make test]\n`).join('')}`,
      ];
    default:
      return [
        '.devcontainer/devcontainer.json',
        `{\n  // generated\n  "image": "${images[0]}",\n  "features": {\n${images.map((_, n) => `    "ghcr.io/devcontainers/features/f${n}:1": {},`).join('\n')}\n  },\n}\n`,
      ];
  }
}

export interface NetworkImage {
  repository: string;
  tag: string;
}

/**
 * `distinct` distinct image references over `repositories` repositories, each repository with a
 * release line of semver tags (so outdated-version has something to find).
 */
export function networkImages(distinct: number, repositories: number): NetworkImage[] {
  const images: NetworkImage[] = [];
  const perRepo = Math.ceil(distinct / repositories);
  for (let r = 0; r < repositories && images.length < distinct; r++) {
    const repository = `team${r % 5}/app-${r}`;
    for (let t = 0; t < perRepo && images.length < distinct; t++) {
      images.push({ repository, tag: `${1 + Math.floor(t / 3)}.${t % 3}.${t % 2}` });
    }
  }
  return images;
}

/**
 * `fileCount` files (three Dockerfiles for every compose file) that together reference every
 * image at least once; common bases repeat across files, as they do in real repositories.
 */
export function writeNetworkCorpus(
  root: string,
  host: string,
  images: NetworkImage[],
  fileCount: number,
  seed = 11,
): CorpusFile[] {
  const random = seededRandom(seed);
  const refs = images.map((i) => `${host}/${i.repository}:${i.tag}`);
  const perFile = Math.ceil(refs.length / fileCount);
  const files: CorpusFile[] = [];
  for (let f = 0; f < fileCount; f++) {
    const own = refs.slice(f * perFile, (f + 1) * perFile);
    // Shared bases: a couple of references another file already uses.
    const shared = [pick(random, refs), pick(random, refs)];
    const folder = join(root, `svc-${String(f).padStart(2, '0')}`);
    mkdirSync(folder, { recursive: true });
    if (f % 4 === 3) {
      const lines = ['services:'];
      [...own, ...shared].forEach((ref, i) => lines.push(`  s${i}:`, `    image: ${ref}`, '    restart: always'));
      writeFileSync(join(folder, 'compose.yaml'), `${lines.join('\n')}\n`);
      files.push({ path: relative(root, join(folder, 'compose.yaml')), kind: 'compose' });
    } else {
      const lines: string[] = [];
      [...own, ...shared].forEach((ref, i) => {
        lines.push(
          i === 0
            ? `FROM ${ref} AS s${i}`
            : i % 2
              ? `COPY --from=${ref} /bin/tool /bin/tool${i}`
              : `FROM ${ref} AS s${i}`,
          'RUN true',
        );
      });
      writeFileSync(join(folder, 'Dockerfile'), `${lines.join('\n')}\n`);
      files.push({ path: relative(root, join(folder, 'Dockerfile')), kind: 'dockerfile' });
    }
  }
  return files;
}
