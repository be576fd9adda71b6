// Independent check of Estuary's ML-KEM output (RFC 9935 keys, RFC 9629/9936 KEMRecipientInfo) with code nobody
// on the project wrote: asn1js parses, @noble/post-quantum decapsulates, @noble/hashes derives, @noble/ciphers unwraps.
//
//   node mlkem-decap.mjs decap ENVELOPED.der RECIPIENT-KEY.der
//     EnvelopedData with a KEMRecipientInfo (RFC 9629 §3) → ML-KEM decapsulation with the recipient's PKCS#8 key (seed,
//     expandedKey or both, RFC 9935 §6) → HKDF (RFC 8619, empty salt, info = DER CMSORIforKEMOtherInfo, RFC 9629 §5)
//     → AES key unwrap (RFC 3394) → AES-CBC → SignedData → AsymmetricKeyPackage (RFC 5958): prints the base64 of the
//     one OneAsymmetricKey (the server-generated PKCS#8 key).
//
//   node mlkem-decap.mjs check CERT.der KEY.der
//     The certificate's SubjectPublicKeyInfo is an ML-KEM key with absent parameters (RFC 9935 §4), the PKCS#8 key
//     yields that same public key, and an encapsulation to the certificate's key decapsulates with the PKCS#8 key to
//     the same secret. Prints "ok ML-KEM-768" (etc.).
//
// Exit 0 on success, 1 with a reason on stderr otherwise.
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { aeskw, cbc } from '@noble/ciphers/aes.js';

const KEMS = {
  '2.16.840.1.101.3.4.4.1': ['ML-KEM-512', ml_kem512],
  '2.16.840.1.101.3.4.4.2': ['ML-KEM-768', ml_kem768],
  '2.16.840.1.101.3.4.4.3': ['ML-KEM-1024', ml_kem1024],
};
const HKDFS = { '1.2.840.113549.1.9.16.3.28': sha256, '1.2.840.113549.1.9.16.3.29': sha384, '1.2.840.113549.1.9.16.3.30': sha512 };
const WRAPS = { '2.16.840.1.101.3.4.1.5': 16, '2.16.840.1.101.3.4.1.25': 24, '2.16.840.1.101.3.4.1.45': 32 };
const CBCS = { '2.16.840.1.101.3.4.1.2': 16, '2.16.840.1.101.3.4.1.22': 24, '2.16.840.1.101.3.4.1.42': 32 };
const ENVELOPED_DATA = '1.2.840.113549.1.7.3';
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const ORI_KEM = '1.2.840.113549.1.9.16.13.3';
const KEY_PACKAGE = '2.16.840.1.101.2.1.2.78.5';

function fail(message) {
  console.error('mlkem-decap: ' + message);
  process.exit(1);
}

function parse(bytes, what) {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const parsed = asn1js.fromBER(view);
  if (parsed.offset === -1 || parsed.offset !== view.length) fail(`${what} is not one BER element`);
  return parsed.result;
}

const children = (e) => e.valueBlock.value;
const isContext = (e, n) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === n;
const oid = (e) => e.valueBlock.toString();
const bytesOf = (e) => new Uint8Array(e.valueBlock.valueHexView);
const raw = (e) => new Uint8Array(e.valueBeforeDecodeView);

// An OCTET STRING's content, primitive or (BER) constructed.
function octets(e) {
  if (e.idBlock.isConstructed) {
    return Buffer.concat(children(e).map((c) => Buffer.from(octets(c))));
  }
  return bytesOf(e);
}

function algorithm(e, what, parametersAbsent) {
  const parts = children(e);
  if (parametersAbsent && parts.length !== 1) fail(`${what} AlgorithmIdentifier carries parameters (RFC 9935 §3 / RFC 9936 §3: absent)`);
  return { oid: oid(parts[0]), parameters: parts[1] };
}

function derLength(n) {
  if (n < 0x80) return [n];
  const out = [];
  for (let v = n; v > 0; v >>= 8) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

function der(tag, content) {
  return Uint8Array.from([tag, ...derLength(content.length), ...content]);
}

function derInteger(n) {
  const out = [];
  for (let v = n; v > 0; v >>= 8) out.unshift(v & 0xff);
  if (out.length === 0 || out[0] & 0x80) out.unshift(0);
  return der(0x02, out);
}

// RFC 9935 §6: ML-KEM-PrivateKey ::= CHOICE { seed [0] IMPLICIT OCTET STRING (64), expandedKey OCTET STRING, both SEQUENCE }
function readPrivateKey(pkcs8) {
  const info = children(parse(pkcs8, 'the PKCS#8 key'));
  const { oid: keyOid } = algorithm(info[1], 'the private key', true);
  const kem = KEMS[keyOid];
  if (!kem) fail(`the PKCS#8 key is ${keyOid}, not ML-KEM`);
  const [name, impl] = kem;
  const choice = parse(octets(info[2]), 'the ML-KEM-PrivateKey');
  let seed;
  let expanded;
  if (isContext(choice, 0)) {
    seed = bytesOf(choice);
  } else if (choice.idBlock.tagNumber === 4) {
    expanded = octets(choice);
  } else {
    [seed, expanded] = children(choice).map(octets);
  }
  let secretKey = expanded;
  if (seed) {
    if (seed.length !== 64) fail(`the seed is ${seed.length} bytes, not 64`);
    const fromSeed = impl.keygen(seed).secretKey;
    if (expanded && Buffer.compare(Buffer.from(fromSeed), Buffer.from(expanded)) !== 0) fail('seed and expandedKey disagree (RFC 9935 §6)');
    secretKey = fromSeed;
  }
  return { name, keyOid, impl, secretKey, form: seed && expanded ? 'both' : seed ? 'seed' : 'expandedKey' };
}

function decap(envelopedPath, keyPath) {
  const key = readPrivateKey(readFileSync(keyPath));
  const contentInfo = children(parse(readFileSync(envelopedPath), 'the EnvelopedData'));
  if (oid(contentInfo[0]) !== ENVELOPED_DATA) fail('not an EnvelopedData ContentInfo');
  const enveloped = children(children(contentInfo[1])[0]);
  let i = 1;
  if (isContext(enveloped[i], 0)) i++; // originatorInfo
  const recipientInfos = children(enveloped[i]);
  const encryptedContentInfo = children(enveloped[i + 1]);
  let cek;
  for (const ri of recipientInfos) {
    if (!isContext(ri, 4)) continue; // ori [4]
    const [oriType, kemriSeq] = children(ri);
    if (oid(oriType) !== ORI_KEM) continue;
    const f = children(kemriSeq);
    if (f[0].valueBlock.valueDec !== 0) fail('KEMRecipientInfo version is not 0 (RFC 9629 §3)');
    const kem = algorithm(f[2], 'kem', true);
    if (kem.oid !== key.keyOid) continue;
    const kemct = octets(f[3]);
    const kdf = algorithm(f[4], 'kdf', true);
    const hash = HKDFS[kdf.oid];
    if (!hash) fail(`kdf ${kdf.oid} is not HKDF`);
    const kekLength = f[5].valueBlock.valueDec;
    let next = 6;
    let ukm;
    if (isContext(f[next], 0)) {
      ukm = f[next];
      next++;
    }
    const wrapElement = f[next];
    const wrap = algorithm(wrapElement, 'wrap', false);
    if (WRAPS[wrap.oid] !== kekLength) fail(`kekLength ${kekLength} does not fit wrap ${wrap.oid}`);
    const encryptedKey = octets(f[next + 1]);
    const sharedSecret = key.impl.decapsulate(kemct, key.secretKey);
    // RFC 9629 §5: CMSORIforKEMOtherInfo ::= SEQUENCE { wrap, kekLength, ukm [0] EXPLICIT OPTIONAL }
    const info = der(0x30, [...raw(wrapElement), ...derInteger(kekLength), ...(ukm ? raw(ukm) : [])]);
    const kek = hkdf(hash, sharedSecret, new Uint8Array(0), info, kekLength);
    cek = aeskw(kek).decrypt(encryptedKey);
    console.error(`mlkem-decap: ${key.name} (${key.form} key), kdf ${kdf.oid}, wrap ${wrap.oid}, kekLength ${kekLength}`);
    break;
  }
  if (!cek) fail('no KEMRecipientInfo for this ML-KEM key');
  const contentType = oid(encryptedContentInfo[0]);
  const cipher = algorithm(encryptedContentInfo[1], 'content encryption', false);
  if (CBCS[cipher.oid] !== cek.length) fail(`content encryption ${cipher.oid} with a ${cek.length}-byte key is not AES-CBC`);
  const iv = octets(cipher.parameters);
  const content = cbc(cek, iv).decrypt(octets(encryptedContentInfo[2]));
  if (contentType !== SIGNED_DATA) fail(`the enveloped content is ${contentType}, not SignedData (RFC 7030 §4.4.2)`);

  // ContentInfo → SignedData → encapContentInfo { id-ct-KP-aKeyPackage, [0] EXPLICIT OCTET STRING }
  const signedInfo = children(parse(content, 'the SignedData'));
  if (oid(signedInfo[0]) !== SIGNED_DATA) fail('the decrypted content is not a SignedData ContentInfo');
  const signed = children(children(signedInfo[1])[0]);
  const encap = children(signed[2]);
  if (oid(encap[0]) !== KEY_PACKAGE) fail(`the SignedData holds ${oid(encap[0])}, not an AsymmetricKeyPackage (RFC 5958)`);
  const pkg = children(parse(octets(children(encap[1])[0]), 'the AsymmetricKeyPackage'));
  if (pkg.length !== 1) fail(`the AsymmetricKeyPackage holds ${pkg.length} keys`);
  console.log(Buffer.from(raw(pkg[0])).toString('base64'));
}

function check(certPath, keyPath) {
  const certificate = children(parse(readFileSync(certPath), 'the certificate'));
  const tbs = children(certificate[0]);
  const spki = children(tbs[isContext(tbs[0], 0) ? 6 : 5]);
  const { oid: spkiOid } = algorithm(spki[0], 'the SubjectPublicKeyInfo', true);
  if (!KEMS[spkiOid]) fail(`the certificate's key is ${spkiOid}, not ML-KEM`);
  const publicKey = bytesOf(spki[1]);
  const key = readPrivateKey(readFileSync(keyPath));
  if (key.keyOid !== spkiOid) fail(`the key is ${key.name}, the certificate ${KEMS[spkiOid][0]}`);
  if (publicKey.length !== key.impl.lengths.publicKey) fail(`the public key is ${publicKey.length} bytes, not ${key.impl.lengths.publicKey}`);
  const derived = key.impl.getPublicKey(key.secretKey);
  if (Buffer.compare(Buffer.from(derived), Buffer.from(publicKey)) !== 0) fail('the private key does not belong to the certificate');
  const { cipherText, sharedSecret } = key.impl.encapsulate(publicKey);
  const recovered = key.impl.decapsulate(cipherText, key.secretKey);
  if (Buffer.compare(Buffer.from(recovered), Buffer.from(sharedSecret)) !== 0) fail('decapsulation gave another secret');
  console.log(`ok ${key.name} ${key.form}`);
}

const [command, a, b] = process.argv.slice(2);
try {
  if (command === 'decap' && a && b) decap(a, b);
  else if (command === 'check' && a && b) check(a, b);
  else fail('usage: mlkem-decap.mjs decap ENVELOPED.der KEY.der | check CERT.der KEY.der');
} catch (e) {
  fail(e.message);
}
