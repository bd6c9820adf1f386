import { Session } from 'node:inspector/promises';

/**
 * The V8 CPU profile of this process between `start` and `stop`, as a
 * `.cpuprofile` (Chrome DevTools' Performance panel opens it). The bench
 * profiles each counted plan+apply, on 1 and on 10 clusters, in the backend
 * and in the sandboxes' process, with `BENCH_CPU_PROFILE=<directory>`. The
 * time `Profiler.stop` takes shows in the profile as `post`
 * (node:inspector): leave it out when reading.
 */
export class CpuProfile {
  private constructor(private readonly session: Session) {}

  static async start(): Promise<CpuProfile> {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    // Finer than the default 1 ms: a plan+apply lasts about half a second.
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    return new CpuProfile(session);
  }

  async stop(): Promise<object> {
    const { profile } = await this.session.post('Profiler.stop');
    this.session.disconnect();
    return profile;
  }
}
