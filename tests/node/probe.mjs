// test.sh's preflight runs this: proves the independent verifiers load and work here (an ML-DSA-65
// sign/verify, an ML-KEM-768 round trip, a DER parse) before any test depends on them.
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import * as asn1js from 'asn1js';

const keys = ml_dsa65.keygen(new Uint8Array(32));
const msg = new TextEncoder().encode('estuary');
const sig = ml_dsa65.sign(msg, keys.secretKey);
const kem = ml_kem768.keygen();
const { cipherText, sharedSecret } = ml_kem768.encapsulate(kem.publicKey);
const ok = ml_dsa65.verify(sig, msg, keys.publicKey)
  && Buffer.from(ml_kem768.decapsulate(cipherText, kem.secretKey)).equals(Buffer.from(sharedSecret))
  && asn1js.fromBER(new Uint8Array([0x05, 0x00])).offset === 2;
if (!ok) {
  console.error('probe: round trip failed');
  process.exit(1);
}
console.log('ok');
