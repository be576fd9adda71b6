// Test client: Bouncy Castle's EST API (Debian libbcpkix-java + libbctls-java 1.72) enrolling with
// proof-of-possession linking (RFC 7030 section 3.5): ESTService.simpleEnrollPoP builds the CSR on the
// TLS connection that sends it and puts base64(tls-unique) into its challengePassword. tls-unique comes
// from the Bouncy Castle JSSE provider (BCSSLSocket.getChannelBinding), over TLS 1.2.
//
// java BcPopEnroll --server host:port --trust ta.pem --user U --pass P --subject CN=x --out cert.pem [--label L]
// Exits 0 once the certificate is written; 1 with the error otherwise.

import java.io.FileReader;
import java.io.FileWriter;
import java.net.Socket;
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
import org.bouncycastle.est.jcajce.ChannelBindingProvider;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jsse.BCSSLSocket;
import org.bouncycastle.jsse.provider.BouncyCastleJsseProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

public class BcPopEnroll
{
    public static void main(String[] args) throws Exception
    {
        Map<String, String> opt = new HashMap<String, String>();
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            opt.put(args[i].substring(2), args[i + 1]);
        }
        Security.addProvider(new BouncyCastleProvider());
        Security.addProvider(new BouncyCastleJsseProvider());
        try
        {
            KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
            ts.load(null, null);
            PEMParser pem = new PEMParser(new FileReader(opt.get("trust")));
            ts.setCertificateEntry("ta", new JcaX509CertificateConverter().getCertificate((X509CertificateHolder)pem.readObject()));
            pem.close();
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX", "BCJSSE");
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
            b.withProvider("BCJSSE");
            b.withTLSVersion("TLSv1.2");
            b.withTimeout(30000);
            if (opt.containsKey("label"))
            {
                b.withLabel(opt.get("label"));
            }
            b.withChannelBindingProvider(new ChannelBindingProvider()
            {
                public boolean canAccessChannelBinding(Socket sock)
                {
                    return sock instanceof BCSSLSocket;
                }

                public byte[] getChannelBinding(Socket sock, String binding)
                {
                    return ((BCSSLSocket)sock).getConnection().getChannelBinding(binding);
                }
            });
            ESTService est = b.build();

            KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", "BC");
            kpg.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = kpg.generateKeyPair();
            JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(new X500Name(opt.get("subject")), kp.getPublic());
            EnrollmentResponse r = est.simpleEnrollPoP(false, builder,
                new JcaContentSignerBuilder("SHA256withECDSA").setProvider("BC").build(kp.getPrivate()),
                new HttpAuth(opt.get("user"), opt.get("pass").toCharArray()));
            if (!r.isCompleted())
            {
                throw new IllegalStateException("enrollment pending");
            }
            X509CertificateHolder[] certs = ESTService.storeToArray(r.getStore());
            JcaPEMWriter w = new JcaPEMWriter(new FileWriter(opt.get("out")));
            w.writeObject(certs[0]);
            w.close();
            System.out.println("simpleEnrollPoP: " + certs[0].getSubject() + " serial " + certs[0].getSerialNumber().toString(16));
            System.exit(0);
        }
        catch (Exception e)
        {
            System.err.println("BcPopEnroll error: " + e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause())
            {
                System.err.println("  caused by: " + c);
            }
            System.exit(1);
        }
    }
}
