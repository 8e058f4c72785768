using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Sequin.Messages;

/// <summary>Builds <c>metadata.idempotency_key</c>: base64 of <c>"&lt;commit_lsn&gt;:&lt;commit_idx&gt;"</c>.</summary>
public static class IdempotencyKey
{
    /// <summary>Returns the idempotency key of a change at <paramref name="commitLsn"/> and <paramref name="commitIdx"/>.</summary>
    public static string For(ulong commitLsn, int commitIdx)
    {
        Span<byte> raw = stackalloc byte[48];
        var ok = commitLsn.TryFormat(raw, out var n, default, CultureInfo.InvariantCulture);
        raw[n++] = (byte)':';
        ok &= commitIdx.TryFormat(raw[n..], out var m, default, CultureInfo.InvariantCulture);
        n += m;
        if (!ok)
        {
            throw new InvalidOperationException("Idempotency key did not fit its buffer.");
        }

        Span<byte> encoded = stackalloc byte[Base64.GetMaxEncodedToUtf8Length(n)];
        Base64.EncodeToUtf8(raw[..n], encoded, out _, out var written);
        return Encoding.ASCII.GetString(encoded[..written]);
    }
}
