// Where personal data lives outside the rounds: the shape of a privacy request, and of a source that answers it.
/** Who a privacy request is about, with every form their id takes in the store. */
export interface PersonRequest {
  tenant: string;
  userId: string;
  /** Display names known for the person (to find them in free text). */
  names: string[];
  /** The id and the keyed hashes it has in anonymous rounds. */
  aliases: string[];
  /** Erasure: what the person's name becomes in free text written by others (the requester's language). */
  redacted?: string;
}

/** A place with personal data outside the rounds themselves; platforms register theirs. */
export interface PersonalDataSource {
  name: string;
  exportPerson?(req: PersonRequest): Promise<unknown[]>;
  /** Returns how many items were removed or redacted. */
  erasePerson?(req: PersonRequest): Promise<number>;
  /** A round was purged (retention) or its tenant forgotten. */
  purgeRound?(tenant: string, roundId: string): Promise<number>;
  forgetTenant?(tenant: string): Promise<number>;
}
