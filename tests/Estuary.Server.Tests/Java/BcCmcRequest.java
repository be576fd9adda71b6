// Test client: a Full PKI Request (RFC 5272) built with Bouncy Castle's own CMC classes
// (org.bouncycastle.asn1.cmc, Debian libbcpkix-java 1.72), POSTed to /fullcmc (RFC 7030 section 4.3),
// and the CMC response verified with Bouncy Castle: SignedData signature, id-cct-PKIResponse content,
// CMCStatusInfoV2 and the issued certificate.
//
// java BcCmcRequest --url https://host:port/.well-known/est --trust ta.pem --user U --pass P --subject CN=x --out cert.pem
//      [--wrongsigner true]   sign the PKIData with a key that is neither in the CSR nor in a certificate
//      [--keyout key.pem]     also save the generated private key (PKCS#8 PEM)
//      [--txid N] [--nonce HEX]   add the transactionId and senderNonce controls (RFC 5272 section 6.6)
//      [--unknowncontrol OID]     add a control the server does not know
//      [--revoke SERIALHEX --reason N --signcert cert.pem --signkey key.pem]
//                             no certification request: one revokeRequest control (RFC 5272 section 6.11)
//                             for the certificate SERIALHEX of the signer's issuer, signed with that certificate
// Response controls are printed as "transactionId=N", "recipientNonce=HEX", "senderNonce=HEX".
// Prints "http=CODE status=N failInfo=N text=..." and, on success, "certificate=SUBJECT". Exits 0 when the
// exchange completed (whatever the CMC status), 1 on an error.

import java.io.ByteArrayOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.URL;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.MessageDigest;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.cmc.RevokeRequest;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.util.encoders.Hex;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cmc.BodyPartID;
import org.bouncycastle.asn1.cmc.CMCObjectIdentifiers;
import org.bouncycastle.asn1.cmc.CMCStatusInfoV2;
import org.bouncycastle.asn1.cmc.OtherMsg;
import org.bouncycastle.asn1.cmc.PKIData;
import org.bouncycastle.asn1.cmc.PKIResponse;
import org.bouncycastle.asn1.cmc.TaggedAttribute;
import org.bouncycastle.asn1.cmc.TaggedCertificationRequest;
import org.bouncycastle.asn1.cmc.TaggedContentInfo;
import org.bouncycastle.asn1.cmc.TaggedRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

public class BcCmcRequest
{
    public static void main(String[] args)
    {
        Map<String, String> opt = new HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            opt.put(args[i].substring(2), args[i + 1]);
        }
        Security.addProvider(new BouncyCastleProvider());
        try
        {
            run(opt);
            System.exit(0);
        }
        catch (Exception e)
        {
            System.err.println("BcCmcRequest error: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void run(Map<String, String> opt) throws Exception
    {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", "BC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = kpg.generateKeyPair();
        PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(opt.get("subject")), kp.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider("BC").build(kp.getPrivate()));

        // Controls (RFC 5272 section 6), bodyPartIDs from 2 on (the request is 1).
        List<TaggedAttribute> controls = new ArrayList<TaggedAttribute>();
        if (opt.containsKey("txid"))
        {
            controls.add(new TaggedAttribute(new BodyPartID(2), CMCObjectIdentifiers.id_cmc_transactionId, new DERSet(new ASN1Integer(new BigInteger(opt.get("txid"))))));
        }
        if (opt.containsKey("nonce"))
        {
            controls.add(new TaggedAttribute(new BodyPartID(3), CMCObjectIdentifiers.id_cmc_senderNonce, new DERSet(new DEROctetString(Hex.decode(opt.get("nonce"))))));
        }
        if (opt.containsKey("unknowncontrol"))
        {
            controls.add(new TaggedAttribute(new BodyPartID(4), new ASN1ObjectIdentifier(opt.get("unknowncontrol")), new DERSet(new ASN1Integer(1))));
        }

        boolean revoke = opt.containsKey("revoke");
        X509CertificateHolder signCert = null;
        PrivateKey signKey = null;
        if (revoke)
        {
            PEMParser certPem = new PEMParser(new FileReader(opt.get("signcert")));
            signCert = (X509CertificateHolder)certPem.readObject();
            certPem.close();
            PEMParser keyPem = new PEMParser(new FileReader(opt.get("signkey")));
            Object keyObject = keyPem.readObject();
            keyPem.close();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider("BC");
            signKey = keyObject instanceof PEMKeyPair ? converter.getKeyPair((PEMKeyPair)keyObject).getPrivate() : converter.getPrivateKey((PrivateKeyInfo)keyObject);
            RevokeRequest rr = new RevokeRequest(signCert.getIssuer(), new ASN1Integer(new BigInteger(opt.get("revoke"), 16)),
                CRLReason.lookup(Integer.parseInt(opt.get("reason"))), null, null, new DERUTF8String("revoked by BcCmcRequest"));
            controls.add(new TaggedAttribute(new BodyPartID(5), CMCObjectIdentifiers.id_cmc_revokeRequest, new DERSet(rr)));
        }

        // PKIData with one TaggedCertificationRequest, bodyPartID 1 (RFC 5272 section 3.2.1); none for a revocation.
        PKIData pkiData = new PKIData(
            controls.toArray(new TaggedAttribute[0]),
            revoke ? new TaggedRequest[0] : new TaggedRequest[]{ new TaggedRequest(new TaggedCertificationRequest(new BodyPartID(1), org.bouncycastle.asn1.cmc.CertificationRequest.getInstance(csr.getEncoded()))) },
            new TaggedContentInfo[0],
            new OtherMsg[0]);

        if (opt.containsKey("keyout"))
        {
            JcaPEMWriter keyWriter = new JcaPEMWriter(new FileWriter(opt.get("keyout")));
            keyWriter.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(kp.getPrivate(), null));
            keyWriter.close();
        }

        // Signed with the key being certified, signer identified by its subjectKeyIdentifier (RFC 5272 section 3.2.1.3.2);
        // a revocation is signed with the certificate, which travels in the SignedData.
        KeyPair signerKeys = kp;
        if ("true".equals(opt.get("wrongsigner")))
        {
            signerKeys = kpg.generateKeyPair();
        }
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
        byte[] ski = MessageDigest.getInstance("SHA-1").digest(spki.getPublicKeyData().getBytes());
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        JcaSignerInfoGeneratorBuilder signerInfo = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider("BC").build());
        if (revoke)
        {
            String algorithm = signKey.getAlgorithm().startsWith("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            gen.addSignerInfoGenerator(signerInfo.build(new JcaContentSignerBuilder(algorithm).setProvider("BC").build(signKey), signCert));
            gen.addCertificate(signCert);
        }
        else
        {
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").setProvider("BC").build(signerKeys.getPrivate());
            gen.addSignerInfoGenerator(signerInfo.build(signer, ski));
        }
        CMSSignedData request = gen.generate(new CMSProcessableByteArray(CMCObjectIdentifiers.id_cct_PKIData, pkiData.getEncoded()), true);

        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        PEMParser pem = new PEMParser(new FileReader(opt.get("trust")));
        ts.setCertificateEntry("ta", new JcaX509CertificateConverter().getCertificate((X509CertificateHolder)pem.readObject()));
        pem.close();
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);

        HttpsURLConnection http = (HttpsURLConnection)new URL(opt.get("url") + "/fullcmc").openConnection();
        http.setSSLSocketFactory(tls.getSocketFactory());
        http.setRequestMethod("POST");
        http.setDoOutput(true);
        http.setRequestProperty("Content-Type", "application/pkcs7-mime; smime-type=CMC-request");
        String credentials = opt.get("user") + ":" + opt.get("pass");
        http.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes("UTF-8")));
        OutputStream out = http.getOutputStream();
        out.write(Base64.getMimeEncoder(64, "\n".getBytes("US-ASCII")).encode(request.getEncoded()));
        out.close();
        int code = http.getResponseCode();
        if (code != 200)
        {
            System.out.println("http=" + code + " body=" + new String(readAll(http.getErrorStream()), "UTF-8").trim());
            return;
        }
        System.out.println("http=200 content-type=" + http.getContentType());
        byte[] der = Base64.getMimeDecoder().decode(readAll(http.getInputStream()));

        CMSSignedData response = new CMSSignedData(der);
        if (!response.getSignedContentTypeOID().equals(CMCObjectIdentifiers.id_cct_PKIResponse.getId()))
        {
            throw new IllegalStateException("response eContentType is " + response.getSignedContentTypeOID());
        }
        for (Object o : response.getSignerInfos().getSigners())
        {
            SignerInformation si = (SignerInformation)o;
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = response.getCertificates().getMatches(si.getSID());
            X509CertificateHolder raCert = matches.iterator().next();
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(raCert)))
            {
                throw new IllegalStateException("the CMC response signature does not verify");
            }
            System.out.println("signed-by=" + raCert.getSubject());
        }

        PKIResponse pkiResponse = PKIResponse.getInstance(ASN1Primitive.fromByteArray((byte[])response.getSignedContent().getContent()));
        ASN1Sequence responseControls = pkiResponse.getControlSequence();
        for (int i = 0; i < responseControls.size(); i++)
        {
            TaggedAttribute attribute = TaggedAttribute.getInstance(responseControls.getObjectAt(i));
            ASN1ObjectIdentifier type = attribute.getAttrType();
            ASN1Encodable value = attribute.getAttrValues().getObjectAt(0);
            if (type.equals(CMCObjectIdentifiers.id_cmc_transactionId))
            {
                System.out.println("transactionId=" + ASN1Integer.getInstance(value).getValue());
            }
            else if (type.equals(CMCObjectIdentifiers.id_cmc_recipientNonce))
            {
                System.out.println("recipientNonce=" + Hex.toHexString(ASN1OctetString.getInstance(value).getOctets()));
            }
            else if (type.equals(CMCObjectIdentifiers.id_cmc_senderNonce))
            {
                System.out.println("senderNonce=" + Hex.toHexString(ASN1OctetString.getInstance(value).getOctets()));
            }
            if (!type.equals(CMCObjectIdentifiers.id_cmc_statusInfoV2))
            {
                continue;
            }
            CMCStatusInfoV2 status = CMCStatusInfoV2.getInstance(value);
            BigInteger statusValue = ASN1Integer.getInstance(status.getcMCStatus().toASN1Primitive()).getValue();
            String failInfo = "";
            if (status.getOtherStatusInfo() != null && status.getOtherStatusInfo().isFailInfo())
            {
                failInfo = " failInfo=" + ASN1Integer.getInstance(status.getOtherStatusInfo().toASN1Primitive()).getValue();
            }
            String text = status.getStatusStringUTF8() == null ? "" : " text=" + status.getStatusStringUTF8().getString();
            System.out.println("status=" + statusValue + failInfo + " bodyList=" + status.getBodyList()[0].getID() + text);
        }

        for (Object o : response.getCertificates().getMatches(null))
        {
            X509CertificateHolder cert = (X509CertificateHolder)o;
            if (cert.getSubjectPublicKeyInfo().equals(spki))
            {
                System.out.println("certificate=" + cert.getSubject());
                JcaPEMWriter w = new JcaPEMWriter(new FileWriter(opt.get("out")));
                w.writeObject(cert);
                w.close();
            }
        }
    }

    static byte[] readAll(InputStream in) throws Exception
    {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; in != null && (n = in.read(buf)) > 0;)
        {
            b.write(buf, 0, n);
        }
        return b.toByteArray();
    }
}
