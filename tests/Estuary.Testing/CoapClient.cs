namespace Estuary.Testing;

/// <summary>
/// libcoap's coap-client (Debian libcoap3-bin 4.3.1, the OpenSSL build): a CoAP client nobody here wrote, with DTLS
/// certificate authentication (-c/-j), the server's trust anchor (-R) and block-wise transfer (-b). A missing client
/// fails the test with the command that installs it, never a skip.
/// </summary>
public static class CoapClient
{
    public const string Program = "/usr/bin/coap-client-openssl";

    /// <summary>What one run returned: exit code, the response payload written with -o (null when none), and the output.</summary>
    public sealed record Result(int ExitCode, byte[]? Payload, string Output);

    /// <summary>
    /// Runs one request. <paramref name="path"/> is the URI path ("/.well-known/est/crts"); <paramref name="payloadFile"/>
    /// is sent with Content-Format <paramref name="contentFormat"/>; <paramref name="blockSize"/> asks for smaller blocks.
    /// </summary>
    public static async Task<Result> RunAsync(
        string coapsUri, string path, string trustAnchorPem, string method = "get", string? payloadFile = null, int? contentFormat = null,
        int? accept = null, string? certificatePem = null, string? keyPem = null, int? blockSize = null)
    {
        if (!File.Exists(Program))
        {
            throw new FileNotFoundException($"{Program} is missing: run ./test.sh as root, or `sudo apt-get install -y libcoap3-bin`", Program);
        }

        var output = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "coap-" + Guid.NewGuid().ToString("N")[..12] + ".out");
        var arguments = $"-m {method} -R {trustAnchorPem} -o {output} -v 5";
        if (payloadFile is not null)
        {
            arguments += $" -f {payloadFile}";
        }

        if (contentFormat is { } format)
        {
            arguments += $" -t {format}";
        }

        if (accept is { } a)
        {
            arguments += $" -A {a}";
        }

        if (certificatePem is not null)
        {
            arguments += $" -c {certificatePem} -j {keyPem}";
        }

        if (blockSize is { } size)
        {
            arguments += $" -b {size}";
        }

        var (exitCode, text) = await Processes.RunAsync(Program, arguments + " " + coapsUri + path, timeout: TimeSpan.FromSeconds(60));
        byte[]? payload = null;
        if (File.Exists(output))
        {
            payload = await File.ReadAllBytesAsync(output);
            File.Delete(output);
        }

        return new Result(exitCode, payload, text);
    }
}
