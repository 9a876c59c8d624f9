import { describe, expect, it } from 'vitest';
import {
  jwksUrlOf,
  parseSettings,
  partitionOf,
  SettingsError,
  tracingAvailable,
} from '../../infra/stacks/settings.ts';
import { CN_CONSOLE, cdkJsonContext } from './synth.ts';

const base = { jwtIssuer: 'https://idp.court.example/realms/relief', jwtAudience: 'relief-api' };

describe('deployment settings', () => {
  it('reads the defaults of cdk.json', () => {
    const settings = parseSettings({ ...cdkJsonContext(), insurerAccountId: '210987654321' });
    expect(settings).toMatchObject({
      region: 'cn-northwest-1',
      stage: 'dev',
      jwtAudience: 'relief-api',
      corsAllowedOrigins: [],
      logRetentionDays: 365,
      uploadUrlTtlSeconds: 900,
      downloadUrlTtlSeconds: 300,
    });
    expect(settings.account).toBeUndefined();
  });

  it('coerces the strings that `cdk -c key=value` passes', () => {
    const settings = parseSettings({
      ...base,
      region: 'us-east-1',
      account: '123456789012',
      insurerIamAuth: 'true',
      insurerAccountId: '210987654321',
      icpLicensed: 'false',
      corsAllowedOrigins: 'https://a.example, https://b.example,',
      logRetentionDays: '30',
      apiRateLimit: '10',
      insurerEndpoint: 'https://insurer.example/packages',
    });
    expect(settings).toMatchObject({
      insurerIamAuth: true,
      icpLicensed: false,
      corsAllowedOrigins: ['https://a.example', 'https://b.example'],
      logRetentionDays: 30,
      apiRateLimit: 10,
    });
  });

  it.each([
    [{ ...base, jwtIssuer: 'http://idp.example' }, /jwtIssuer/],
    [{ jwtAudience: 'relief-api' }, /jwtIssuer/],
    [{ ...base, jwtAudience: '' }, /jwtAudience/],
    [{ ...base, region: 'mars' }, /region/],
    [{ ...base, stage: 'Prod_1' }, /stage/],
    [{ ...base, stage: 'a-very-long-stage-name' }, /stage/],
    [{ ...base, account: '1234' }, /account/],
    [{ ...base, logRetentionDays: '42' }, /logRetentionDays/],
    [{ ...base, insurerIamAuth: 'yes' }, /insurerIamAuth/],
    [{ ...base, region: 'us-east-1', icpLicensed: 'no' }, /icpLicensed/],
    [{ ...base, region: 'us-east-1', insurerAccountId: '12345' }, /insurerAccountId/],
    [{ ...base, uploadUrlTtlSeconds: '3600' }, /uploadUrlTtlSeconds/],
  ])('rejects %j naming the setting', (raw, name) => {
    expect(() => parseSettings(raw)).toThrow(SettingsError);
    expect(() => parseSettings(raw)).toThrow(name);
  });

  it('derives the JWKS URL from the issuer unless it is set', () => {
    const global = { ...base, region: 'us-east-1' };
    expect(jwksUrlOf(parseSettings({ ...global, jwtIssuer: 'https://idp.example/realms/x/' }))).toBe(
      'https://idp.example/realms/x/.well-known/jwks.json',
    );
    expect(jwksUrlOf(parseSettings({ ...global, jwksUrl: 'https://idp.example/certs' }))).toBe(
      'https://idp.example/certs',
    );
  });

  it('knows the partition, and that aws-cn has no Lambda / Step Functions X-Ray', () => {
    expect(partitionOf('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-east-1')).toBe('aws');
    expect(tracingAvailable('cn-northwest-1')).toBe(false);
    expect(tracingAvailable('eu-west-1')).toBe(true);
  });

  describe('ICP (备案) and the insurer principal', () => {
    const cn = { ...base, region: 'cn-northwest-1' };
    const global = { ...base, region: 'us-east-1' };

    it('refuses aws-cn without icpLicensed when the insurer account is missing, naming insurerAccountId', () => {
      expect(() => parseSettings(cn)).toThrow(SettingsError);
      expect(() => parseSettings(cn)).toThrow(
        /insurerAccountId: required in aws-cn without icpLicensed=true/,
      );
      expect(() => parseSettings({ ...cn, insurerAccountId: '210987654321' })).not.toThrow();
    });

    it('needs no insurer account in aws-cn with icpLicensed, nor in aws by default', () => {
      expect(parseSettings({ ...cn, ...CN_CONSOLE, icpLicensed: 'true' }).icpLicensed).toBe(true);
      expect(() => parseSettings(global)).not.toThrow();
    });

    it('requires the insurer account whenever insurerIamAuth=true, in either partition', () => {
      expect(() => parseSettings({ ...global, insurerIamAuth: 'true' })).toThrow(
        /insurerAccountId: required with insurerIamAuth=true/,
      );
      expect(() => parseSettings({ ...cn, icpLicensed: 'true', insurerIamAuth: 'true' })).toThrow(
        /insurerAccountId/,
      );
    });

    it('refuses insurerIamAuth=false in aws-cn without an ICP licence, naming both settings', () => {
      expect(() =>
        parseSettings({ ...cn, insurerIamAuth: 'false', insurerAccountId: '210987654321' }),
      ).toThrow(/insurerIamAuth: cannot be false in aws-cn without icpLicensed=true/);
    });
  });
});
