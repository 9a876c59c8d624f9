import * as z from 'zod';
import { getCourt } from '../../functions/domain/courts.ts';
import { NotFoundError, UnprocessableError } from '../../functions/lib/errors.ts';
import { defineRoute, type Route } from '../../functions/lib/http.ts';
import { type DevSigningKey, LOCAL_AUDIENCE, LOCAL_ISSUER, mintDevToken } from './dev-tokens.ts';
import type { LocalStepFunctions } from './stepfunctions/index.ts';

const Body = z.strictObject({
  sub: z.string().trim().min(1).max(128),
  court: z.string().min(2).max(10),
  roles: z
    .array(z.enum(['clerk', 'approver', 'spc-admin']))
    .min(1)
    .max(3),
  expiresInSeconds: z
    .int()
    .min(1)
    .max(24 * 3600)
    .optional(),
});

/** `POST /dev/tokens` — local mode only: never part of apiRoutes, so no deployment can carry it. */
export function devTokenRoute(key: DevSigningKey): Route {
  return defineRoute(
    {
      operationId: 'mintDevToken',
      method: 'POST',
      path: '/dev/tokens',
      summary: 'Mint a local JWT (local runner only)',
      tags: ['local'],
      auth: 'local-only',
      body: Body,
      responses: [
        {
          status: 201,
          description: 'A token',
          schema: z.object({ token: z.string(), expiresAt: z.string() }),
        },
      ],
      access: {},
    },
    () => {
      throw new Error('no authenticator for local-only routes');
    },
    async (req) => {
      const court = getCourt(req.body.court);
      if (!court) {
        throw new UnprocessableError('UNKNOWN_COURT', `No court with code ${req.body.court}.`, {
          errors: [{ code: 'UNKNOWN_COURT', path: 'court', message: 'Unknown court code.' }],
        });
      }
      if (req.body.roles.includes('spc-admin') && court.level !== 'spc') {
        throw new UnprocessableError('ROLE_NOT_AT_COURT', 'spc-admin exists only at the SPC.', {
          errors: [{ code: 'ROLE_NOT_AT_COURT', path: 'roles', message: 'spc-admin requires court SPC.' }],
        });
      }
      const expiresInSeconds = req.body.expiresInSeconds ?? 8 * 3600;
      const token = await mintDevToken(key, {
        sub: req.body.sub,
        court: court.code,
        roles: req.body.roles,
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
        expiresInSeconds,
      });
      return {
        status: 201,
        body: { token, expiresAt: new Date(Date.now() + expiresInSeconds * 1000).toISOString() },
      };
    },
  );
}

/** `GET /dev/executions/{name}` — local mode only: the state of one approval execution, for demos and tests. */
export function devExecutionRoute(sfn: LocalStepFunctions, stateMachineArn: string): Route {
  const executionPrefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  return defineRoute(
    {
      operationId: 'describeLocalExecution',
      method: 'GET',
      path: '/dev/executions/{name}',
      summary: 'Describe a local approval execution (local runner only)',
      tags: ['local'],
      auth: 'local-only',
      params: z.strictObject({ name: z.string().regex(/^[0-9A-Za-z-]{1,80}$/) }),
      responses: [{ status: 200, description: 'The execution' }],
      access: {},
    },
    () => {
      throw new Error('no authenticator for local-only routes');
    },
    async (req) => {
      try {
        const d = await sfn.describeExecution(executionPrefix + req.params.name);
        return { status: 200, body: { name: d.name, status: d.status, error: d.error ?? null } };
      } catch {
        throw new NotFoundError(`No execution ${req.params.name}.`);
      }
    },
  );
}

/**
 * `POST /dev/sweeps/escalate-overdue-checks` — local mode only: runs one pass of the overdue asset-check
 * sweep now (the runner also runs it every minute), as EventBridge runs it hourly when deployed.
 */
export function devOverdueSweepRoute(run: () => Promise<unknown>): Route {
  return defineRoute(
    {
      operationId: 'runLocalOverdueSweep',
      method: 'POST',
      path: '/dev/sweeps/escalate-overdue-checks',
      summary: 'Run the overdue asset-check sweep now (local runner only)',
      tags: ['local'],
      auth: 'local-only',
      responses: [{ status: 200, description: 'What the run did' }],
      access: {},
    },
    () => {
      throw new Error('no authenticator for local-only routes');
    },
    async () => ({ status: 200, body: await run() }),
  );
}
