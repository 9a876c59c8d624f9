export class DuplicateEventError extends Error {
  override name = 'DuplicateEventError';
}

/** Insurer webhook events already applied (recorded with the change they caused: UpdateOptions.insurerEvent). */
export interface InsurerEvents {
  hasInsurerEvent(id: string): Promise<boolean>;
}
