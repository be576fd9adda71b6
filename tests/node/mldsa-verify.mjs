// Independent check of Estuary's ML-DSA signatures (RFC 9881): parses a DER (or PEM) certificate, CRL or OCSP
// response with asn1js and verifies its signature over the to-be-signed bytes with @noble/post-quantum, using the
// public key from the issuer's certificate. Pure ML-DSA, empty context; the AlgorithmIdentifier must be the
// ML-DSA OID with the parameters ABSENT (RFC 9881 §2/§3), and the same parameter set as the issuer's key.
//
//   node mldsa-verify.mjs cert|crl|ocsp FILE ISSUER-CERT
//
// Exit 0 with "verified: …" when the signature is good; 1 with "FAILED: …" otherwise. For OCSP it also prints
// each SingleResponse's certStatus (good / revoked / unknown).
import { readFileSync } from 'node:fs';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import * as asn1js from 'asn1js';

const ALGORITHMS = {
  '2.16.840.1.101.3.4.3.17': ['ML-DSA-44', ml_dsa44],
  '2.16.840.1.101.3.4.3.18': ['ML-DSA-65', ml_dsa65],
  '2.16.840.1.101.3.4.3.19': ['ML-DSA-87', ml_dsa87],
};

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
const encoded = (node) => new Uint8Array(node.valueBeforeDecodeView);

// AlgorithmIdentifier ::= SEQUENCE { OID, parameters ABSENT } for ML-DSA.
function mlDsaAlgorithm(node, where) {
  const parts = children(node);
  const oid = parts[0].valueBlock.toString();
  if (!ALGORITHMS[oid]) {
    fail(`${where} algorithm ${oid} is not ML-DSA`);
  }
  if (parts.length !== 1) {
    fail(`${where} AlgorithmIdentifier has parameters (RFC 9881 §2: they MUST be absent)`);
  }
  return oid;
}

function bitString(node) {
  if (node.valueBlock.unusedBits !== 0) {
    fail('BIT STRING has unused bits');
  }
  return new Uint8Array(node.valueBlock.valueHexView);
}

// The issuer's SubjectPublicKeyInfo: tbsCertificate field 6 (after the [0] version).
function issuerKey(path) {
  const cert = parse(readDer(path), 'issuer certificate');
  const tbs = children(children(cert)[0]);
  const offset = tbs[0].idBlock.tagClass === 3 ? 1 : 0;
  const spki = children(tbs[5 + offset]);
  const oid = mlDsaAlgorithm(spki[0], 'issuer key');
  return { oid, key: bitString(spki[1]) };
}

const [kind, file, issuerFile] = process.argv.slice(2);
if (!['cert', 'crl', 'ocsp'].includes(kind) || !file || !issuerFile) {
  console.log('usage: node mldsa-verify.mjs cert|crl|ocsp FILE ISSUER-CERT');
  process.exit(2);
}

const issuer = issuerKey(issuerFile);
const top = parse(readDer(file), kind);
let signed = top;
const statuses = [];
if (kind === 'ocsp') {
  // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes }
  const parts = children(top);
  if (parts[0].valueBlock.valueDec !== 0 || parts.length < 2) {
    fail(`OCSP responseStatus ${parts[0].valueBlock.valueDec} is not successful`);
  }
  const responseBytes = children(children(parts[1])[0]);
  if (responseBytes[0].valueBlock.toString() !== '1.3.6.1.5.5.7.48.1.1') {
    fail('OCSP response type is not id-pkix-ocsp-basic');
  }
  signed = parse(new Uint8Array(responseBytes[1].valueBlock.valueHexView), 'BasicOCSPResponse');
  // ResponseData ::= SEQUENCE { [0] version?, responderID, producedAt, responses SEQUENCE OF SingleResponse, … }
  const data = children(children(signed)[0]);
  const offset = data[0].idBlock.tagClass === 3 && data[0].idBlock.tagNumber === 0 ? 1 : 0;
  for (const single of children(data[2 + offset])) {
    const status = children(single)[1].idBlock.tagNumber;
    statuses.push(['good', 'revoked', 'unknown'][status] ?? `tag ${status}`);
  }
}

const [tbs, algorithm, signature] = children(signed);
const oid = mlDsaAlgorithm(algorithm, `${kind} signature`);
if (oid !== issuer.oid) {
  fail(`${kind} is signed with ${ALGORITHMS[oid][0]} but the issuer's key is ${ALGORITHMS[issuer.oid][0]}`);
}
const [name, mldsa] = ALGORITHMS[oid];
const ok = mldsa.verify(bitString(signature), encoded(tbs), issuer.key, { context: new Uint8Array(0) });
if (!ok) {
  fail(`${name} signature of the ${kind} does not verify with the issuer's key`);
}
const extra = statuses.length ? ` status=${statuses.join(',')}` : '';
console.log(`verified: ${kind} ${name} signature over the to-be-signed bytes (${encoded(tbs).length} octets) with the issuer's key, empty context, parameters absent${extra}`);
