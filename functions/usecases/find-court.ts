import type { Court } from '../domain/court-registry.ts';
import { NotFoundError } from '../lib/errors.ts';
import type { CourtDirectory } from '../ports/courts.ts';

/** Reference data: the court registry (法院名录, table data) and the campaigns. */

export async function findCourt(deps: { courts: CourtDirectory }, code: string): Promise<Court> {
  const court = (await deps.courts.registry()).get(code);
  if (!court) throw new NotFoundError(`No court with code ${code}.`);
  return court;
}
