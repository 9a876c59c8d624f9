import 'aws-sdk-client-mock-vitest/extend';
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { GetPublicKeyCommand, KMSClient, NotFoundException, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsCheckpointSigner, KmsPublicKeys } from '../../../functions/adapters/kms/checkpoint-signer.ts';

/** KMS Sign with the digest (any checkpoint size) and the public key as PEM for node:crypto. */
const kms = mockClient(KMSClient);
afterEach(() => {
  kms.reset();
});

const KEY_ARN = 'arn:aws-cn:kms:cn-northwest-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('KmsCheckpointSigner', () => {
  it('sends the SHA-256 digest (MessageType DIGEST, ECDSA_SHA_256) and returns the DER signature in base64', async () => {
    const message = Buffer.from('x'.repeat(10_000)); // beyond the 4 KB of MessageType RAW
    const digest = createHash('sha256').update(message).digest();
    // KMS signs the given SHA-256 digest: the same ECDSA signature as over the message with SHA-256.
    const der = sign('sha256', message, privateKey);
    kms.on(SignCommand).resolves({ Signature: new Uint8Array(der), KeyId: KEY_ARN });
    const signer = new KmsCheckpointSigner(new KMSClient({ region: 'cn-northwest-1' }), KEY_ARN);
    const signature = await signer.sign(message);
    expect(await signer.keyId()).toBe(KEY_ARN);
    expect(kms).toHaveReceivedCommandWith(SignCommand, {
      KeyId: KEY_ARN,
      Message: new Uint8Array(digest),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
    // …and verifies as an ordinary ECDSA/SHA-256 signature of the message.
    expect(verify('sha256', message, publicKey, Buffer.from(signature, 'base64'))).toBe(true);
  });
});

describe('KmsPublicKeys', () => {
  const keys = () => new KmsPublicKeys(new KMSClient({ region: 'cn-northwest-1' }));
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));

  it('returns the P-256 signing key as PEM', async () => {
    kms.on(GetPublicKeyCommand).resolves({
      PublicKey: spki,
      KeySpec: 'ECC_NIST_P256',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    expect(await keys().publicKeyPem(KEY_ARN)).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('knows no key that is missing or of another kind, and rethrows other failures', async () => {
    kms
      .on(GetPublicKeyCommand)
      .resolves({ PublicKey: spki, KeySpec: 'RSA_2048', SigningAlgorithms: ['RSASSA_PSS_SHA_256'] });
    expect(await keys().publicKeyPem(KEY_ARN)).toBeUndefined();
    kms.on(GetPublicKeyCommand).rejects(new NotFoundException({ message: 'no', $metadata: {} }));
    expect(await keys().publicKeyPem(KEY_ARN)).toBeUndefined();
    kms
      .on(GetPublicKeyCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(keys().publicKeyPem(KEY_ARN)).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
