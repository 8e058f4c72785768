using System.Runtime.Serialization;

namespace Sequin.Configuration;

/// <summary>
/// TLS to PostgreSQL (<c>databases[].ssl_mode</c>, or <c>sslmode</c> in <c>url</c>), with libpq's meanings. Without
/// one, the connection uses TLS when the server offers it and does not verify the certificate (libpq's and Npgsql's
/// <c>prefer</c>).
/// </summary>
public enum DatabaseSslMode
{
    /// <summary><c>disable</c>: never TLS.</summary>
    Disable,

    /// <summary><c>allow</c>: TLS only if the server insists.</summary>
    Allow,

    /// <summary><c>prefer</c>: TLS when the server offers it; the certificate is not verified.</summary>
    Prefer,

    /// <summary><c>require</c>: TLS or no connection; the certificate is not verified (original's <c>ssl: true</c>).</summary>
    Require,

    /// <summary><c>verify-ca</c>: TLS, and the server certificate must chain to the root certificate.</summary>
    [EnumMember(Value = "verify-ca")]
    VerifyCa,

    /// <summary><c>verify-full</c>: as <c>verify-ca</c>, and the certificate must name the host connected to.</summary>
    [EnumMember(Value = "verify-full")]
    VerifyFull,
}
