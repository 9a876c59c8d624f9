import { z } from 'zod';
import { defineRoute, type HttpResponse } from '../../lib/http.ts';
import { withdrawApplication as withdrawApplicationUseCase } from '../../usecases/withdrawal.ts';
import { authenticator, deps } from '../deps.ts';
import { COMMON_ERRORS, idempotencyHeader, idempotencyOf } from './applications.ts';
import { Application, ApplicationParams, problem, RequiredText } from './schemas.ts';

export const WithdrawalBody = z
  .strictObject({
    reason: RequiredText(2000).meta({
      description: 'Why the application is withdrawn (e.g. created in the wrong campaign).',
    }),
  })
  .meta({ id: 'Withdrawal' });

export const withdrawApplication = defineRoute(
  {
    operationId: 'withdrawApplication',
    method: 'POST',
    path: '/applications/{id}/withdrawal',
    summary: '撤回: withdraw a draft or returned application; the case and applicant may apply again',
    tags: ['applications'],
    auth: 'jwt',
    params: ApplicationParams,
    body: WithdrawalBody,
    headers: [idempotencyHeader],
    responses: [
      { status: 200, description: 'Withdrawn', schema: Application },
      ...COMMON_ERRORS,
      problem(404, 'Unknown or outside your jurisdiction'),
      problem(409, 'INVALID_STATUS (not draft or returned), VERSION_CONFLICT'),
      problem(422, 'IDEMPOTENCY_KEY_REUSED'),
    ],
  },
  authenticator,
  async (req): Promise<HttpResponse> => {
    const idem = idempotencyOf(req.headers, req.principal, `withdrawApplication:${req.params.id}`, req.body);
    return withdrawApplicationUseCase(deps(), req.principal, req.params.id, req.body, idem);
  },
);
