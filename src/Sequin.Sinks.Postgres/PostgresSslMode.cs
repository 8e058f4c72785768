namespace Sequin.Sinks.Postgres;

/// <summary>TLS to the target server (<c>ssl_mode</c>), with libpq's meanings, as the source database's <c>ssl_mode</c>.</summary>
public enum PostgresSslMode
{
    /// <summary><c>disable</c>: never TLS.</summary>
    Disable,

    /// <summary><c>allow</c>: TLS only if the server insists.</summary>
    Allow,

    /// <summary><c>prefer</c> (the default): TLS when the server offers it; the certificate is not verified.</summary>
    Prefer,

    /// <summary><c>require</c>: TLS or no connection; the certificate is not verified.</summary>
    Require,

    /// <summary><c>verify-ca</c>: TLS, and the certificate must chain to <c>ssl_root_cert</c> (or the system's roots).</summary>
    VerifyCa,

    /// <summary><c>verify-full</c>: as <c>verify-ca</c>, and the certificate must name the host connected to.</summary>
    VerifyFull,
}
