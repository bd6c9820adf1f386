import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the fake answered, for assertions. */
export type FakeEcsRequest = {
  action?: string;
  region?: string;
  nextToken?: string;
  maxResults?: number;
  status: number;
};

/**
 * A local HTTP server answering like the Alibaba Cloud ECS API's
 * `DescribeInstances` (RPC style, JSON, `NextToken` paging), for tests of the
 * ECS provider through the real SDK. It checks the ACS3 signature loosely
 * (algorithm, access key id, signed headers, a hex signature), and can answer
 * `Throttling.User` a number of times before serving a page.
 */
export class FakeEcsApi {
  readonly requests: FakeEcsRequest[] = [];
  private throttleQueue: number[] = [];
  private server?: http.Server;

  private constructor(
    private readonly accessKeyId: string,
    private readonly instances: Record<string, Array<Record<string, unknown>>>,
  ) {}

  /** `instances` holds raw ECS instance JSON (PascalCase) per region id. */
  static async start(options: {
    accessKeyId: string;
    instances: Record<string, Array<Record<string, unknown>>>;
  }): Promise<FakeEcsApi> {
    const api = new FakeEcsApi(options.accessKeyId, options.instances);
    api.server = http.createServer((req, res) => api.handle(req, res));
    await new Promise<void>(resolve =>
      api.server!.listen(0, '127.0.0.1', resolve),
    );
    return api;
  }

  /** `host:port`, the provider's `endpoint`. */
  get endpoint(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Throttles the n-th request from now (1 = the next one). */
  throttleRequest(n: number) {
    this.throttleQueue.push(this.requests.length + n);
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => this.server?.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = url.searchParams;
    const record: FakeEcsRequest = {
      action: req.headers['x-acs-action'] as string | undefined,
      region: query.get('RegionId') ?? undefined,
      nextToken: query.get('NextToken') ?? undefined,
      maxResults: query.has('MaxResults')
        ? Number(query.get('MaxResults'))
        : undefined,
      status: 200,
    };
    this.requests.push(record);
    const send = (status: number, body: unknown) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };

    const auth = String(req.headers.authorization ?? '');
    const match =
      /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/.exec(
        auth,
      );
    if (
      !match ||
      match[1] !== this.accessKeyId ||
      !match[2].split(';').includes('x-acs-action')
    ) {
      send(400, {
        Code: 'SignatureDoesNotMatch',
        // Like Alibaba's, the message quotes what was signed, credentials and all.
        Message: `The request signature does not conform to Aliyun standards. Authorization: ${auth}`,
        RequestId: 'fake',
      });
      return;
    }
    if (record.action !== 'DescribeInstances') {
      send(400, { Code: 'InvalidAction.NotFound', RequestId: 'fake' });
      return;
    }
    if (this.throttleQueue.includes(this.requests.length)) {
      send(400, {
        Code: 'Throttling.User',
        Message: 'Request was denied due to user flow control.',
        RequestId: 'fake',
      });
      return;
    }
    const all = this.instances[record.region ?? ''];
    if (!all) {
      send(404, { Code: 'InvalidRegionId.NotFound', RequestId: 'fake' });
      return;
    }
    const offset = record.nextToken ? Number(record.nextToken) : 0;
    const size = record.maxResults ?? 10;
    const page = all.slice(offset, offset + size);
    const next = offset + size < all.length ? String(offset + size) : '';
    send(200, {
      RequestId: `fake-${this.requests.length}`,
      TotalCount: all.length,
      NextToken: next,
      Instances: { Instance: page },
    });
  }
}
