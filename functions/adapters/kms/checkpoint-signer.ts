import { createHash, createPublicKey } from 'node:crypto';
import {
  GetPublicKeyCommand,
  type GetPublicKeyCommandOutput,
  type KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { SIGNING_ALGORITHM } from '../../domain/audit-seal.ts';
import type { CheckpointSigner, PublicKeyResolver } from '../../ports/audit-seal.ts';

/**
 * Checkpoint signatures with an asymmetric KMS key (KeySpec ECC_NIST_P256, KeyUsage SIGN_VERIFY): the
 * private key never leaves KMS. The SHA-256 digest of the message is sent (MessageType DIGEST), so a
 * checkpoint of any size can be signed (RAW is limited to 4 KB); the DER signature verifies with
 * node:crypto's `verify('sha256', message, publicKey, signature)`. ECDSA P-256 in both partitions:
 * aws-cn also offers SM2 (SM2DSA), which node:crypto cannot verify portably, so it is not used.
 */
export class KmsCheckpointSigner implements CheckpointSigner {
  constructor(
    private readonly kms: KMSClient,
    /** The key ARN (recorded in each checkpoint, so verifiers know which public key to fetch). */
    private readonly keyArn: string,
  ) {}

  async keyId(): Promise<string> {
    return this.keyArn;
  }

  async sign(message: Uint8Array): Promise<string> {
    const out = await this.kms.send(
      new SignCommand({
        KeyId: this.keyArn,
        Message: createHash('sha256').update(message).digest(),
        MessageType: 'DIGEST',
        SigningAlgorithm: SIGNING_ALGORITHM,
      }),
    );
    if (!out.Signature) throw new Error('KMS Sign returned no signature');
    return Buffer.from(out.Signature).toString('base64');
  }
}

/** Public keys of checkpoint keys, from KMS GetPublicKey (kms:GetPublicKey on the key). */
export class KmsPublicKeys implements PublicKeyResolver {
  constructor(private readonly kms: KMSClient) {}

  async publicKeyPem(keyId: string): Promise<string | undefined> {
    let out: GetPublicKeyCommandOutput;
    try {
      out = await this.kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
    } catch (error) {
      if ((error as Error).name === 'NotFoundException') return undefined;
      throw error;
    }
    if (
      !out.PublicKey ||
      out.KeySpec !== 'ECC_NIST_P256' ||
      !(out.SigningAlgorithms ?? []).includes(SIGNING_ALGORITHM)
    ) {
      return undefined;
    }
    return createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  }
}
