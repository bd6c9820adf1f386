import { parseFamiliarName } from '@swimlane/docker-reference';

/** TLDs reserved by RFC 2606/6761: a registry there can never resolve. */
const RESERVED_TLDS = ['invalid', 'test', 'example', 'localhost'];
/** Image names that have always meant "cannot be pulled" in the sandbox. */
const LEGACY_MISSING = /does-not-exist|image-pull-fail|nonexistent/;

export type ImagePullProblem =
  | { reason: 'InvalidImageName'; message: string }
  | { reason: 'ErrImagePull'; message: string };

interface ParsedImage {
  domain: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Image → its parse (or the grammar's refusal). The kubelet asks on every
 * tick for every container, and a cluster runs few distinct images.
 */
const parsed = new Map<string, ParsedImage | Error>();
const PARSED_MAX = 1000;

function parse(image: string): ParsedImage {
  let result = parsed.get(image);
  if (!result) {
    try {
      const ref = parseFamiliarName(image);
      result = {
        domain: ref.domain ?? 'docker.io',
        repository: ref.repository ?? '',
        tag: ref.tag,
        digest: ref.digest,
      };
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(image, result);
  }
  if (result instanceof Error) throw result;
  return result;
}

/** `docker.io/library/nginx:latest`: the name containerd pulls. */
function fullName(p: ParsedImage) {
  const base = `${p.domain}/${p.repository}`;
  if (p.digest) return `${base}@${p.digest}`;
  return `${base}:${p.tag ?? 'latest'}`;
}

function matchesUnknown(p: ParsedImage, entry: string) {
  let e: ParsedImage;
  try {
    e = parse(entry);
  } catch {
    return false;
  }
  if (e.domain !== p.domain || e.repository !== p.repository) return false;
  return e.tag === undefined || e.tag === (p.tag ?? 'latest');
}

/**
 * What the kubelet (with containerd) reports for an image that cannot be
 * pulled, or undefined when the pull succeeds. References are checked with
 * the docker reference grammar: the API server accepts any string, the
 * kubelet refuses malformed ones with InvalidImageName.
 */
export function imagePullProblem(
  image: string,
  options: { unknownImages?: string[]; forceFailure?: boolean } = {},
): ImagePullProblem | undefined {
  let p: ParsedImage;
  try {
    p = parse(image);
  } catch (e) {
    return {
      reason: 'InvalidImageName',
      message: `Failed to apply default image tag "${image}": couldn't parse image name "${image}": ${
        (e as Error).message
      }`,
    };
  }
  const name = fullName(p);
  const pull = (detail: string, code = 'NotFound') => ({
    reason: 'ErrImagePull' as const,
    message: `rpc error: code = ${code} desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": ${detail}`,
  });
  const host = p.domain.replace(/:\d+$/, '');
  const tld = host.split('.').pop() ?? '';
  if (host.includes('.') && RESERVED_TLDS.includes(tld)) {
    const path = p.digest ?? p.tag ?? 'latest';
    return pull(
      `failed to do request: Head "https://${p.domain}/v2/${p.repository}/manifests/${path}": dial tcp: lookup ${host}: no such host`,
      'Unknown',
    );
  }
  const unknown = (options.unknownImages ?? []).find(e => matchesUnknown(p, e));
  if (unknown !== undefined && !/:[^/]*$/.test(unknown)) {
    return pull(
      'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    );
  }
  if (
    unknown !== undefined ||
    options.forceFailure ||
    LEGACY_MISSING.test(image)
  ) {
    return pull(`${name}: not found`);
  }
  return undefined;
}
