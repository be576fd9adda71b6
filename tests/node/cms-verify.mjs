// Independent check of an ML-DSA-signed CMS SignedData (RFC 5652 as RFC 9882 profiles it): a CMC PKIData or
// PKIResponse, or a server-generated key package. Parses the DER (or base64) ContentInfo with asn1js and verifies its
// one ML-DSA SignerInfo with @noble/post-quantum, using the public key of the certificate given (the signer's, or for
// a PKIData signed with the key being certified, the certificate issued to that key):
//   - signatureAlgorithm: an ML-DSA OID with the parameters ABSENT (RFC 9882 §4), the key's own parameter set;
//   - signed attributes present: content-type equals the eContentType (RFC 5652 §11.1); messageDigest equals the
//     digest of the eContent under the SignerInfo's digestAlgorithm (SHA-512 recommended, RFC 9882 §3);
//   - the pure ML-DSA signature (empty context) over the DER of the attributes as a SET OF (RFC 5652 §5.4).
//
//   node cms-verify.mjs FILE SIGNER-CERT
//
// Exit 0 with "verified: cms …" (and the eContentType, the digest algorithm and the signingTime) when it holds;
// 1 with "FAILED: …" otherwise.
import { readFileSync } from 'node:fs';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import * as asn1js from 'asn1js';

const ALGORITHMS = {
  '2.16.840.1.101.3.4.3.17': ['ML-DSA-44', ml_dsa44],
  '2.16.840.1.101.3.4.3.18': ['ML-DSA-65', ml_dsa65],
  '2.16.840.1.101.3.4.3.19': ['ML-DSA-87', ml_dsa87],
};
const DIGESTS = {
  '2.16.840.1.101.3.4.2.1': ['SHA-256', sha256],
  '2.16.840.1.101.3.4.2.2': ['SHA-384', sha384],
  '2.16.840.1.101.3.4.2.3': ['SHA-512', sha512],
};
const SIGNED_DATA = '1.2.840.113549.1.7.2';
const CONTENT_TYPE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const SIGNING_TIME = '1.2.840.113549.1.9.5';

function fail(message) {
  console.log(`FAILED: ${message}`);
  process.exit(1);
}

function readDer(path) {
  const bytes = readFileSync(path);
  const text = bytes.toString('latin1');
  if (text.startsWith('-----BEGIN')) {
    const body = text.split('\n').filter((l) => !l.startsWith('-----')).join('');
    return new Uint8Array(Buffer.from(body, 'base64'));
  }
  if (bytes[0] !== 0x30) {
    return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'base64')); // the EST wire form
  }
  return new Uint8Array(bytes);
}

function parse(der, what) {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || parsed.offset !== der.length) {
    fail(`${what} is not one DER value`);
  }
  return parsed.result;
}

const children = (node) => node.valueBlock.value;
const oidOf = (node) => node.valueBlock.toString();
const octets = (node) => new Uint8Array(node.valueBlock.valueHexView);
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// The certificate's SubjectPublicKeyInfo: tbsCertificate field 6 (after the [0] version).
function certificateKey(path) {
  const cert = parse(readDer(path), 'signer certificate');
  const tbs = children(children(cert)[0]);
  const offset = tbs[0].idBlock.tagClass === 3 ? 1 : 0;
  const spki = children(tbs[5 + offset]);
  const oid = oidOf(children(spki[0])[0]);
  if (!ALGORITHMS[oid]) {
    fail(`the certificate's key ${oid} is not ML-DSA`);
  }
  return { oid, key: new Uint8Array(spki[1].valueBlock.valueHexView) };
}

const [file, signerFile] = process.argv.slice(2);
if (!file || !signerFile) {
  console.log('usage: node cms-verify.mjs FILE SIGNER-CERT');
  process.exit(2);
}

const signer = certificateKey(signerFile);
const contentInfo = children(parse(readDer(file), 'ContentInfo'));
if (oidOf(contentInfo[0]) !== SIGNED_DATA) {
  fail(`the ContentInfo holds ${oidOf(contentInfo[0])}, not SignedData`);
}
// SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo, [0] certificates?, [1] crls?, signerInfos SET }
const signedData = children(children(contentInfo[1])[0]);
const encap = children(signedData[2]);
const eContentType = oidOf(encap[0]);
if (encap.length < 2) {
  fail('the SignedData carries no eContent');
}
const eContentNode = children(encap[1])[0];
const eContent = eContentNode.valueBlock.isConstructed
  ? Uint8Array.from(children(eContentNode).flatMap((c) => [...octets(c)]))
  : octets(eContentNode);
const signerInfos = children(signedData[signedData.length - 1]);
if (signerInfos.length !== 1) {
  fail(`${signerInfos.length} SignerInfos, one expected`);
}
// SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs?, signatureAlgorithm, signature, [1] unsignedAttrs? }
const info = children(signerInfos[0]);
const digestOid = oidOf(children(info[2])[0]);
const attributesNode = info[3];
if (attributesNode.idBlock.tagClass !== 3 || attributesNode.idBlock.tagNumber !== 0) {
  fail('the SignerInfo has no signed attributes');
}
const algorithm = children(info[4]);
const oid = oidOf(algorithm[0]);
if (!ALGORITHMS[oid]) {
  fail(`the signature algorithm ${oid} is not ML-DSA`);
}
if (algorithm.length !== 1) {
  fail('the signature AlgorithmIdentifier has parameters (RFC 9882 §4: they MUST be absent)');
}
if (oid !== signer.oid) {
  fail(`signed with ${ALGORITHMS[oid][0]} but the certificate's key is ${ALGORITHMS[signer.oid][0]}`);
}

const attributes = {};
for (const attribute of children(attributesNode)) {
  const [type, values] = children(attribute);
  attributes[oidOf(type)] = children(values)[0];
}
if (!attributes[CONTENT_TYPE] || oidOf(attributes[CONTENT_TYPE]) !== eContentType) {
  fail('the content-type attribute is missing or differs from the eContentType (RFC 5652 §11.1)');
}
if (!DIGESTS[digestOid]) {
  fail(`digest algorithm ${digestOid} is not SHA-2`);
}
const [digestName, digest] = DIGESTS[digestOid];
if (!attributes[MESSAGE_DIGEST] || !equal(octets(attributes[MESSAGE_DIGEST]), digest(eContent))) {
  fail(`messageDigest is not the ${digestName} of the eContent`);
}

// RFC 5652 §5.4: the signature is over the DER of the attributes with the SET OF tag (0x31), not the [0] IMPLICIT tag.
const signedBytes = new Uint8Array(attributesNode.valueBeforeDecodeView);
signedBytes[0] = 0x31;
const [name, mldsa] = ALGORITHMS[oid];
if (!mldsa.verify(octets(info[5]), signedBytes, signer.key, { context: new Uint8Array(0) })) {
  fail(`the ${name} signature over the signed attributes does not verify with the certificate's key`);
}
const time = attributes[SIGNING_TIME] ? attributes[SIGNING_TIME].toDate().toISOString() : 'none';
console.log(`verified: cms ${name} SignerInfo, eContentType=${eContentType} digest=${digestName} signingTime=${time}, empty context, parameters absent`);
