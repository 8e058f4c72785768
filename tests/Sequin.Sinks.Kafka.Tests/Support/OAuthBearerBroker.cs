using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sequin.Sinks.Kafka.Tests.Support;

/// <summary>
/// A Kafka-protocol listener on a free loopback port that speaks just enough of the protocol for a client's SASL
/// OAUTHBEARER login (librdkafka's mock cluster has no SASL): ApiVersions, SaslHandshake (offering OAUTHBEARER) and
/// SaslAuthenticate, whose token it records and then rejects with SASL_AUTHENTICATION_FAILED and <see cref="Rejection"/>.
/// So a test sees the very token librdkafka sent, and the client sees an authentication error, as from a broker
/// that refuses the credentials.
/// </summary>
internal sealed class OAuthBearerBroker : IAsyncDisposable
{
    /// <summary>The error message of the rejection.</summary>
    public const string Rejection = "test broker: token recorded and refused";

    private const short ApiVersionsKey = 18;
    private const short SaslHandshakeKey = 17;
    private const short SaslAuthenticateKey = 36;
    private const short SaslAuthenticationFailed = 58;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _tokens = new();
    private readonly ConcurrentQueue<string> _mechanisms = new();
    private readonly Task _accepting;

    public OAuthBearerBroker()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The bootstrap address, <c>127.0.0.1:port</c>.</summary>
    public string BootstrapServers => "127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The OAUTHBEARER tokens received, in order.</summary>
    public IReadOnlyList<string> Tokens => [.. _tokens];

    /// <summary>The SASL mechanisms clients asked for, in order.</summary>
    public IReadOnlyList<string> Mechanisms => [.. _mechanisms];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
            // stopped.
        }
        catch (SocketException)
        {
            // the listener closed under AcceptTcpClientAsync.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                client.NoDelay = true;
                connections.Add(ServeAsync(client));
            }
        }
        finally
        {
            await Task.WhenAll(connections);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            try
            {
                var sizeBuffer = new byte[4];
                while (true)
                {
                    await stream.ReadExactlyAsync(sizeBuffer, _stop.Token);
                    var request = new byte[BinaryPrimitives.ReadInt32BigEndian(sizeBuffer)];
                    await stream.ReadExactlyAsync(request, _stop.Token);
                    var response = Answer(request);
                    if (response is null)
                    {
                        return; // anything else: hang up, as a broker does on a request it cannot parse.
                    }

                    await stream.WriteAsync(response, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // the client hung up, or the broker stops.
            }
        }
    }

    private byte[]? Answer(byte[] request)
    {
        var apiKey = BinaryPrimitives.ReadInt16BigEndian(request);
        var version = BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(2));
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4));
        var clientIdLength = BinaryPrimitives.ReadInt16BigEndian(request.AsSpan(8));
        var body = request.AsSpan(10 + Math.Max((short)0, clientIdLength)); // request header v1; SASL requests are never flexible.
        var w = new Writer(correlationId);
        switch (apiKey)
        {
            case ApiVersionsKey:
                (short Key, short Min, short Max)[] apis = [(ApiVersionsKey, 0, 3), (SaslHandshakeKey, 0, 1), (SaslAuthenticateKey, 0, 1)];
                w.Int16(0);
                if (version >= 3)
                {
                    w.UVarInt((uint)apis.Length + 1);
                    foreach (var (key, min, max) in apis)
                    {
                        w.Int16(key).Int16(min).Int16(max).UVarInt(0);
                    }

                    w.Int32(0).UVarInt(0);
                }
                else
                {
                    w.Int32(apis.Length);
                    foreach (var (key, min, max) in apis)
                    {
                        w.Int16(key).Int16(min).Int16(max);
                    }

                    if (version >= 1)
                    {
                        w.Int32(0);
                    }
                }

                return w.ToArray();

            case SaslHandshakeKey:
                var length = BinaryPrimitives.ReadInt16BigEndian(body);
                _mechanisms.Enqueue(Encoding.UTF8.GetString(body.Slice(2, length)));
                return w.Int16(0).Int32(1).String("OAUTHBEARER").ToArray();

            case SaslAuthenticateKey:
                var authLength = BinaryPrimitives.ReadInt32BigEndian(body);
                var message = Encoding.UTF8.GetString(body.Slice(4, authLength));
                const string Prefix = "auth=Bearer ";
                var start = message.IndexOf(Prefix, StringComparison.Ordinal);
                if (start >= 0)
                {
                    start += Prefix.Length;
                    var end = message.IndexOf('\u0001', start);
                    _tokens.Enqueue(message[start..(end < 0 ? message.Length : end)]);
                }

                w.Int16(SaslAuthenticationFailed).String(Rejection).Int32(0);
                if (version >= 1)
                {
                    w.Int64(0);
                }

                return w.ToArray();

            default:
                return null;
        }
    }

    /// <summary>A response: size, correlation id (response header v0), then the body.</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _buffer = new();

        public Writer(int correlationId)
        {
            Int32(0);
            Int32(correlationId);
        }

        public Writer Int16(short value)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteInt16BigEndian(b, value);
            _buffer.Write(b);
            return this;
        }

        public Writer Int32(int value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, value);
            _buffer.Write(b);
            return this;
        }

        public Writer Int64(long value)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, value);
            _buffer.Write(b);
            return this;
        }

        public Writer UVarInt(uint value)
        {
            while (value >= 0x80)
            {
                _buffer.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _buffer.WriteByte((byte)value);
            return this;
        }

        public Writer String(string value)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            Int16((short)bytes.Length);
            _buffer.Write(bytes);
            return this;
        }

        public byte[] ToArray()
        {
            var bytes = _buffer.ToArray();
            BinaryPrimitives.WriteInt32BigEndian(bytes, bytes.Length - 4);
            return bytes;
        }
    }
}
