using System.Text;
using CsCheck;
using Estuary.Testing;
using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>
/// Property-based fuzzing of every network-reachable parser (bounded for CI; ESTUARY_FUZZ_ITER raises the
/// count for a long run): whatever the bytes, a parser returns a value or throws EstProtocolException —
/// never another exception, never a hang.
/// </summary>
public sealed class ParserPropertyTests
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("ESTUARY_FUZZ_ITER"), out var n) ? n : 3_000;

    private static readonly byte[] Csr = EstBase64.Decode(File.ReadAllBytes(Path.Combine(RepositoryPaths.Shared, "vectors", "requests", "libest-3.2.0", "simplereenroll.b64")));
    private static readonly byte[] CaCerts = EstBase64.Decode(File.ReadAllBytes(Path.Combine(RepositoryPaths.Shared, "vectors", "libest-server", "stock", "cacerts.b64")));
    private static readonly byte[] CsrAttrs = EstBase64.Decode(File.ReadAllBytes(Path.Combine(RepositoryPaths.Shared, "vectors", "libest-server", "stock", "csrattrs.b64")));

    /// <summary>A valid structure with a few bytes flipped, inserted, removed, or the tail cut.</summary>
    private static Gen<byte[]> Mutations(byte[] seed) =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, seed.Length - 1], Gen.Byte, Gen.Int[1, 8], (kind, at, value, count) =>
        {
            var list = seed.ToList();
            switch (kind)
            {
                case 0:
                    for (var i = 0; i < count && at + i < list.Count; i++)
                    {
                        list[at + i] ^= (byte)(value | 1);
                    }

                    break;
                case 1:
                    list.InsertRange(at, Enumerable.Repeat(value, count));
                    break;
                case 2:
                    list.RemoveRange(at, Math.Min(count, list.Count - at));
                    break;
                default:
                    list.RemoveRange(at, list.Count - at);
                    break;
            }

            return list.ToArray();
        });

    private static void OnlyProtocolErrors(Action parse)
    {
        try
        {
            parse();
        }
        catch (EstProtocolException)
        {
        }
    }

    [Fact]
    public void Base64_decoding_of_any_bytes_only_fails_with_a_protocol_error()
    {
        Gen.Byte.Array[0, 600].Sample(bytes => OnlyProtocolErrors(() => EstBase64.Decode(bytes)), iter: Iterations);
    }

    [Fact]
    public void Base64_encoding_round_trips_in_both_layouts()
    {
        Gen.Select(Gen.Byte.Array[1, 3000], Gen.Bool).Sample((bytes, wrapped) =>
            Assert.Equal(bytes, EstBase64.Decode(EstBase64.Encode(bytes, wrapped ? Base64Layout.Wrapped64 : Base64Layout.SingleLine))), iter: Iterations);
    }

    [Fact]
    public void A_mutated_CSR_is_refused_with_a_protocol_error_or_still_verifies()
    {
        Mutations(Csr).Sample(bytes => OnlyProtocolErrors(() => RequestedCertificate.Decode(CertificationRequest.Decode(bytes))), iter: Iterations);
        Gen.Byte.Array[0, 400].Sample(bytes => OnlyProtocolErrors(() => CertificationRequest.Decode(bytes)), iter: Iterations);
    }

    [Fact]
    public void A_subject_value_of_any_tag_and_bytes_decodes_or_fails_with_a_protocol_error()
    {
        Gen.Select(Gen.Byte, Gen.Byte.Array[0, 40]).Sample((tag, contents) =>
            OnlyProtocolErrors(() => DirectoryString.Decode((byte[])[tag, (byte)contents.Length, .. contents], out _)), iter: Iterations);
    }

    [Fact]
    public void Name_syntax_checks_never_throw()
    {
        Gen.String[Gen.Char["abz09-.*@:/_ \0\n\u0085\u00e9%[]"], 0, 80].Sample(text =>
        {
            NameSyntax.DnsNameProblem(text, wildcardLabel: true);
            NameSyntax.MailboxProblem(text);
            NameSyntax.UriProblem(text);
        }, iter: Iterations);
    }

    [Fact]
    public void A_mutated_certs_only_message_only_fails_with_a_protocol_error()
    {
        Mutations(CaCerts).Sample(bytes => OnlyProtocolErrors(() => CertsOnly.Decode(bytes)), iter: Iterations);
    }

    [Fact]
    public void A_mutated_csrattrs_body_only_fails_with_a_protocol_error()
    {
        Mutations(CsrAttrs).Sample(bytes => OnlyProtocolErrors(() => CsrAttributes.Decode(bytes)), iter: Iterations);
        Gen.Byte.Array[0, 200].Sample(bytes => OnlyProtocolErrors(() => GeneralNames.Read(bytes)), iter: Iterations);
    }

    [Fact]
    public void Content_type_parsing_never_throws()
    {
        Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789;=\" /-"], 0, 80].Sample(header =>
        {
            EstMediaTypes.Matches(header, EstMediaTypes.Pkcs10);
            EstMediaTypes.Parameter(header, "boundary");
        }, iter: Iterations);
    }

    [Fact]
    public void Deeply_nested_indefinite_length_DER_is_refused_quickly()
    {
        var nested = Enumerable.Repeat(new byte[] { 0x30, 0x80 }, 50_000).SelectMany(b => b).ToArray();
        Assert.Throws<EstProtocolException>(() => CertificationRequest.Decode(nested));
        Assert.Throws<EstProtocolException>(() => CertsOnly.Decode(nested));
        Assert.Throws<EstProtocolException>(() => CsrAttributes.Decode(nested));
        Assert.Throws<EstProtocolException>(() => EstBase64.Decode(Encoding.ASCII.GetBytes("\u00ff\u00fe")));
    }
}
