// Test client: Bouncy Castle's EST API (Debian libbcpkix-java 1.72) enrolling against a label that holds
// requests for approval (RFC 7030 section 4.2.3). ESTService answers HTTP 202 with an EnrollmentResponse
// that is not completed; its getNotBefore() is the Retry-After instant. This client waits until then and
// repeats the request with ESTService.simpleEnroll(previousResponse), as the BC API intends, for at most
// --maxwait seconds. (../../shared/interop/EstBcClient.java gives up at once: it tests canRetry() before
// the Retry-After instant has passed.)
//
// java BcPollingEnroll --server host:port --trust ta.pem --user U --pass P --subject CN=x --out cert.pem
//      [--label L] [--maxwait seconds]
// Prints "polls=N" and exits 0 once the certificate is written; exits 1 with the error otherwise.

import java.io.FileReader;
import java.io.FileWriter;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import java.util.HashMap;
import java.util.Map;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.HttpAuth;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

public class BcPollingEnroll
{
    public static void main(String[] args) throws Exception
    {
        Map<String, String> opt = new HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            opt.put(args[i].substring(2), args[i + 1]);
        }
        Security.addProvider(new BouncyCastleProvider());
        try
        {
            KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
            ts.load(null, null);
            PEMParser pem = new PEMParser(new FileReader(opt.get("trust")));
            ts.setCertificateEntry("ta", new JcaX509CertificateConverter().getCertificate((X509CertificateHolder)pem.readObject()));
            pem.close();
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            X509TrustManager tm = null;
            for (TrustManager t : tmf.getTrustManagers())
            {
                if (t instanceof X509TrustManager)
                {
                    tm = (X509TrustManager)t;
                }
            }
            JsseESTServiceBuilder b = new JsseESTServiceBuilder(opt.get("server"), new X509TrustManager[]{tm});
            if (opt.containsKey("label"))
            {
                b.withLabel(opt.get("label"));
            }
            b.withTimeout(30000);
            ESTService est = b.build();

            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", "BC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = kpg.generateKeyPair();
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(opt.get("subject")), kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider("BC").build(kp.getPrivate()));

            long deadline = System.currentTimeMillis() + 1000L * Long.parseLong(opt.containsKey("maxwait") ? opt.get("maxwait") : "60");
            EnrollmentResponse r = est.simpleEnroll(false, csr, new HttpAuth(opt.get("user"), opt.get("pass").toCharArray()));
            int polls = 0;
            while (!r.isCompleted())
            {
                long wait = r.getNotBefore() - System.currentTimeMillis();
                if (System.currentTimeMillis() + Math.max(wait, 0) > deadline)
                {
                    throw new IllegalStateException("still pending after " + polls + " polls");
                }
                System.out.println("pending; Retry-After ends in " + wait + " ms");
                System.out.flush();
                Thread.sleep(Math.max(wait + 50, 50));
                r = est.simpleEnroll(r);
                polls++;
            }
            X509CertificateHolder[] certs = ESTService.storeToArray(r.getStore());
            JcaPEMWriter w = new JcaPEMWriter(new FileWriter(opt.get("out")));
            w.writeObject(certs[0]);
            w.close();
            System.out.println("polls=" + polls + " serial=" + certs[0].getSerialNumber().toString(16));
            System.exit(0);
        }
        catch (Exception e)
        {
            System.err.println("BcPollingEnroll error: " + e);
            System.exit(1);
        }
    }
}
