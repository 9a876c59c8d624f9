import { type InsurerClient, type InsurerPackage, InsurerUnavailableError } from '../../ports/insurer.ts';
import { tick } from './state.ts';

/** The insurer's package endpoint in memory: records every package received; `unavailable` makes it not answer. */
export class MemoryInsurerClient implements InsurerClient {
  readonly packages: InsurerPackage[] = [];
  /** While > 0, each send fails (and decrements); `Infinity` for an insurer that is down. */
  unavailable = 0;

  async send(pkg: InsurerPackage): Promise<void> {
    await tick();
    if (this.unavailable > 0) {
      this.unavailable--;
      throw new InsurerUnavailableError('The insurer did not answer (memory: unavailable).');
    }
    this.packages.push(JSON.parse(JSON.stringify(pkg)) as InsurerPackage);
  }
}
