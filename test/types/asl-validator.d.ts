declare module 'asl-validator' {
  /** asl-validator 4 ships no types: the part of its API the tests use. */
  export default function validator(
    definition: unknown,
    opts?: { checkPaths?: boolean; checkArn?: boolean },
  ): { isValid: boolean; errors: { 'Error code': string; Message: string }[] };
}
