using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Sequin.Sinks.Webhook;

/// <summary>
/// How the endpoint's certificate is checked: by the system's trust store (the default); also against the CAs of
/// <c>ca_file</c>; or not at all with <c>tls_skip_verify</c> (test endpoints only). The host name is always checked
/// unless verification is skipped.
/// </summary>
internal sealed class WebhookTls : IDisposable
{
    private readonly X509Certificate2Collection? _roots;
    private readonly bool _skip;

    public WebhookTls(WebhookSinkOptions options)
    {
        _skip = options.TlsSkipVerify;
        if (options.CaFile is { } file)
        {
            _roots = [];
            _roots.ImportFromPemFile(file);
            if (_roots.Count == 0)
            {
                throw new InvalidOperationException($"ca_file '{file}' holds no PEM certificate.");
            }
        }
    }

    /// <summary>The certificate check for <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>, or null for the system's.</summary>
    public RemoteCertificateValidationCallback? Callback => _skip || _roots is not null ? Validate : null;

    /// <summary>The last reason a certificate was refused (for the connection test's message).</summary>
    public string? LastRefusal { get; private set; }

    public void Dispose()
    {
        foreach (var root in _roots ?? [])
        {
            root.Dispose();
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_skip || errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (_roots is null || certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            LastRefusal = errors.ToString();
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (custom.Build(leaf))
        {
            return true;
        }

        LastRefusal = "the certificate does not chain to ca_file: " + string.Join("; ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()));
        return false;
    }
}
