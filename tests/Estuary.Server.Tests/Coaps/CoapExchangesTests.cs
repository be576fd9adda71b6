using Estuary.Protocol.Coap;
using Estuary.Server.Coaps;
using Xunit;

namespace Estuary.Server.Tests.Coaps;

/// <summary>
/// The CoAP message layer of a session without the network: deduplication (RFC 7252 §4.5), Block1 reassembly and its
/// limits (RFC 7959 §2.5, §2.9), Block2 continuation served from the kept response, and hostile messages.
/// </summary>
public sealed class CoapExchangesTests
{
    private readonly List<CoapRequest> _dispatched = [];
    private ushort _messageId = 100;

    private CoapExchanges Exchanges(CoapsOptions? options = null, ReassemblyBudget? budget = null, int responseBytes = 10) =>
        new(options ?? new CoapsOptions(), budget ?? new ReassemblyBudget(1 << 20), (request, _) =>
        {
            _dispatched.Add(request);
            return Task.FromResult(new CoapResponse(CoapCode.Changed, CoapContentFormat.CertsOnly, Enumerable.Range(0, responseBytes).Select(i => (byte)i).ToArray()));
        });

    private CoapMessage Post(CoapBlock? block1 = null, byte[]? payload = null, CoapBlock? block2 = null, ushort? messageId = null, params CoapOption[] extra)
    {
        List<CoapOption> options = [CoapOption.FromText(CoapOptionNumber.UriPath, "sen"), CoapOption.FromNumber(CoapOptionNumber.ContentFormat, CoapContentFormat.Pkcs10), .. extra];
        if (block1 is { } b1)
        {
            options.Add(b1.ToOption(CoapOptionNumber.Block1));
        }

        if (block2 is { } b2)
        {
            options.Add(b2.ToOption(CoapOptionNumber.Block2));
        }

        return new CoapMessage(CoapMessageType.Confirmable, CoapCode.Post, messageId ?? _messageId++, [0xAB], options, payload);
    }

    private static async Task<CoapMessage> Answer(CoapExchanges exchanges, CoapMessage request)
    {
        var bytes = await exchanges.HandleAsync(request.Encode(), default);
        Assert.NotNull(bytes);
        Assert.True(CoapMessage.TryDecode(bytes, out var response, out _));
        return response!;
    }

    [Fact]
    public async Task A_confirmable_request_gets_a_piggybacked_acknowledgement_with_its_token()
    {
        using var exchanges = Exchanges();

        var response = await Answer(exchanges, Post(payload: [1, 2, 3], messageId: 7));

        Assert.Equal(CoapMessageType.Acknowledgement, response.Type);
        Assert.Equal(7, response.MessageId);
        Assert.Equal([0xAB], response.Token);
        Assert.Equal(CoapCode.Changed, response.Code);
        Assert.Equal([1, 2, 3], Assert.Single(_dispatched).Body);
    }

    [Fact]
    public async Task A_retransmitted_request_gets_the_same_response_and_the_resource_runs_once()
    {
        using var exchanges = Exchanges();
        var request = Post(payload: [1], messageId: 42).Encode();

        var first = await exchanges.HandleAsync(request, default);
        var second = await exchanges.HandleAsync(request, default);

        Assert.Equal(first, second);
        Assert.Single(_dispatched);
    }

    [Fact]
    public async Task Block1_blocks_in_order_are_reassembled_and_each_but_the_last_gets_2_31()
    {
        using var exchanges = Exchanges();
        var body = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();

        var first = await Answer(exchanges, Post(new CoapBlock(0, true, 0), body[..16]));
        var second = await Answer(exchanges, Post(new CoapBlock(1, true, 0), body[16..32]));
        var last = await Answer(exchanges, Post(new CoapBlock(2, false, 0), body[32..]));

        Assert.Equal(CoapCode.Continue, first.Code);
        Assert.Equal(CoapCode.Continue, second.Code);
        Assert.Equal(CoapCode.Changed, last.Code);
        Assert.Equal(new CoapBlock(2, false, 0), CoapBlock.Decode(last.Find(CoapOptionNumber.Block1)!.Value, out _));
        Assert.Equal(body, Assert.Single(_dispatched).Body);
        Assert.Equal(0, exchanges.ReassemblyBytes);
    }

    [Fact]
    public async Task A_block_out_of_order_is_4_08_and_the_transfer_is_dropped()
    {
        var budget = new ReassemblyBudget(1 << 20);
        using var exchanges = Exchanges(budget: budget);

        await Answer(exchanges, Post(new CoapBlock(0, true, 0), new byte[16]));
        var skipped = await Answer(exchanges, Post(new CoapBlock(2, true, 0), new byte[16]));
        var afterDrop = await Answer(exchanges, Post(new CoapBlock(1, false, 0), new byte[5]));

        Assert.Equal(CoapCode.RequestEntityIncomplete, skipped.Code);
        Assert.Equal(CoapCode.RequestEntityIncomplete, afterDrop.Code);
        Assert.Empty(_dispatched);
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_4_13_with_size1_whether_announced_or_accumulated()
    {
        var options = new CoapsOptions { MaxRequestBodyBytes = 64 };
        using var exchanges = Exchanges(options);

        var announced = await Answer(exchanges, Post(new CoapBlock(0, true, 0), new byte[16], extra: CoapOption.FromNumber(CoapOptionNumber.Size1, 65)));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(CoapCode.Continue, (await Answer(exchanges, Post(new CoapBlock(i, true, 0), new byte[16]))).Code);
        }

        var accumulated = await Answer(exchanges, Post(new CoapBlock(4, false, 0), new byte[1]));
        var single = await Answer(exchanges, Post(payload: new byte[65]));

        foreach (var response in new[] { announced, accumulated, single })
        {
            Assert.Equal(CoapCode.RequestEntityTooLarge, response.Code);
            Assert.Equal(64u, response.Find(CoapOptionNumber.Size1)!.AsUint());
        }

        Assert.Empty(_dispatched);
    }

    [Fact]
    public async Task Reassembly_stops_at_the_budget_shared_by_every_session()
    {
        var budget = new ReassemblyBudget(48);
        using var first = Exchanges(budget: budget);
        using var second = Exchanges(budget: budget);

        await Answer(first, Post(new CoapBlock(0, true, 0), new byte[16]));
        await Answer(first, Post(new CoapBlock(1, true, 0), new byte[16]));
        await Answer(second, Post(new CoapBlock(0, true, 0), new byte[16]));
        var refused = await Answer(second, Post(new CoapBlock(1, true, 0), new byte[16]));

        Assert.Equal(CoapCode.ServiceUnavailable, refused.Code);
        Assert.NotNull(refused.Find(CoapOptionNumber.MaxAge));
        Assert.Equal(32, budget.Used);
        first.Dispose();
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task A_session_holds_at_most_its_number_of_transfers()
    {
        using var exchanges = Exchanges(new CoapsOptions { MaxExchangesPerSession = 2 });
        CoapMessage Start(string path) => new(CoapMessageType.Confirmable, CoapCode.Post, _messageId++, [1],
            [CoapOption.FromText(CoapOptionNumber.UriPath, path), new CoapBlock(0, true, 0).ToOption(CoapOptionNumber.Block1)], new byte[16]);

        Assert.Equal(CoapCode.Continue, (await Answer(exchanges, Start("a"))).Code);
        Assert.Equal(CoapCode.Continue, (await Answer(exchanges, Start("b"))).Code);
        Assert.Equal(CoapCode.ServiceUnavailable, (await Answer(exchanges, Start("c"))).Code);
    }

    [Fact]
    public async Task A_large_response_comes_in_block2_blocks_and_later_blocks_do_not_run_the_post_again()
    {
        using var exchanges = Exchanges(new CoapsOptions { BlockSize = 64 }, responseBytes: 150);

        var first = await Answer(exchanges, Post(payload: [1]));
        var second = await Answer(exchanges, Post(block2: new CoapBlock(1, false, 2)));
        var third = await Answer(exchanges, Post(block2: new CoapBlock(2, false, 2)));

        Assert.Equal(new CoapBlock(0, true, 2), CoapBlock.Decode(first.Find(CoapOptionNumber.Block2)!.Value, out _));
        Assert.Equal(150u, first.Find(CoapOptionNumber.Size2)!.AsUint());
        Assert.Equal(new CoapBlock(1, true, 2), CoapBlock.Decode(second.Find(CoapOptionNumber.Block2)!.Value, out _));
        Assert.Equal(new CoapBlock(2, false, 2), CoapBlock.Decode(third.Find(CoapOptionNumber.Block2)!.Value, out _));
        Assert.Equal(Enumerable.Range(0, 150).Select(i => (byte)i), first.Payload.Concat(second.Payload).Concat(third.Payload));
        Assert.Single(_dispatched);
    }

    [Fact]
    public async Task A_later_block2_of_a_post_nobody_asked_for_is_refused_without_running_it()
    {
        using var exchanges = Exchanges(new CoapsOptions { BlockSize = 64 });

        var response = await Answer(exchanges, Post(block2: new CoapBlock(3, false, 2)));

        Assert.Equal(CoapCode.RequestEntityIncomplete, response.Code);
        Assert.Empty(_dispatched);
    }

    [Fact]
    public async Task Hostile_messages_get_reset_bad_option_or_nothing_and_never_reach_the_resource()
    {
        using var exchanges = Exchanges();

        // Confirmable with token length 9: a format error with a readable message ID → Reset (RFC 7252 §4.2).
        var reset = await exchanges.HandleAsync(new byte[] { 0x49, 0x02, 0x00, 0x09, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, default);
        // Non-confirmable with a reserved nibble: dropped.
        var dropped = await exchanges.HandleAsync(new byte[] { 0x50, 0x02, 0x00, 0x0A, 0xF0 }, default);
        // Unknown critical option 9 → 4.02.
        var badOption = await Answer(exchanges, Post(payload: [1], extra: new CoapOption(9, [1])));
        // Block1 with SZX 7 → 4.00.
        var badBlock = await Answer(exchanges, Post(payload: [1], extra: new CoapOption(CoapOptionNumber.Block1, [0x07])));
        // A CoAP ping (Empty Confirmable) → Reset.
        var ping = await exchanges.HandleAsync(new byte[] { 0x40, 0x00, 0x00, 0x0B }, default);

        Assert.True(CoapMessage.TryDecode(reset, out var resetMessage, out _));
        Assert.Equal(CoapMessageType.Reset, resetMessage!.Type);
        Assert.Equal(9, resetMessage.MessageId);
        Assert.Null(dropped);
        Assert.Equal(CoapCode.BadOption, badOption.Code);
        Assert.Equal(CoapCode.BadRequest, badBlock.Code);
        Assert.True(CoapMessage.TryDecode(ping, out var pong, out _));
        Assert.Equal(CoapMessageType.Reset, pong!.Type);
        Assert.Empty(_dispatched);
    }
}
