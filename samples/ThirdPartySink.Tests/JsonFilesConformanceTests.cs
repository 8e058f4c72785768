using Sequin.Sinks;
using Sequin.Sinks.Testing;

namespace Acme.Sequin.JsonFiles.Tests;

/// <summary>
/// The promises every Sequin sink keeps (Sequin.Sinks.Testing's <see cref="SinkConformanceTests{TOptions}"/>), for the
/// JSON-files sink writing into a fresh folder; a folder under <c>/proc/self</c>, which no one can create, is the
/// unreachable destination.
/// </summary>
public sealed class JsonFilesConformanceTests : SinkConformanceTests<JsonFilesSinkOptions>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("acme-jsonfiles-conformance-").FullName;

    public JsonFilesConformanceTests()
        : base(new JsonFilesSink())
    {
    }

    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination => [("directory", _folder)];

    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination => [("directory", "/proc/self/acme-jsonfiles")];

    protected override RoutedMessage? PermanentlyRefusedMessage(JsonFilesSinkOptions options) => null;

    protected override string NoPermanentErrorReason => "a file write fails only for reasons that can be mended (disk, permissions), so it is retried";

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
