import { parse } from 'yaml';

/**
 * A YAML request body, as the API server reads one (sigs.k8s.io/yaml turns
 * YAML into JSON). Clients mostly send JSON under a YAML media type (every
 * server-side apply of client-node does): JSON is YAML, and `JSON.parse`
 * reads it for a fraction of the YAML parser's time. Anything JSON.parse
 * refuses goes to the YAML parser, whose errors callers report.
 */
export function parseYamlBody(raw: string): unknown {
  if (/^\s*[{[]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      // Flow-style YAML, or broken JSON: the YAML parser says which.
    }
  }
  return parse(raw);
}
