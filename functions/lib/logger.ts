import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger for every function (Powertools). Personal data (ID numbers, bank accounts,
 * names) never goes into a log line: log ids, codes and counts only.
 */
export const logger = new Logger({ serviceName: 'relief' });
