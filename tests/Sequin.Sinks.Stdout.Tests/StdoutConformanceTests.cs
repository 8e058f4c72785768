using Sequin.Sinks.Testing;

namespace Sequin.Sinks.Stdout.Tests;

/// <summary>
/// The SDK's promises (<see cref="SinkConformanceTests{TOptions}"/>) for the stdout sink writing to a file in a fresh
/// folder; a file in <c>/proc/self</c>, a folder that exists but where no file can be created (not even by root), is the
/// unreachable destination.
/// </summary>
public sealed class StdoutConformanceTests : SinkConformanceTests<StdoutSinkOptions>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sequin-stdout-conformance-").FullName;

    public StdoutConformanceTests()
        : base(new StdoutSink())
    {
    }

    protected override IReadOnlyList<(string Key, string? Value)> ReachableDestination => [("path", Path.Combine(_folder, "messages.jsonl"))];

    protected override IReadOnlyList<(string Key, string? Value)> UnreachableDestination => [("path", "/proc/self/sequin-conformance.jsonl")];

    protected override RoutedMessage? PermanentlyRefusedMessage(StdoutSinkOptions options) => null;

    protected override string NoPermanentErrorReason =>
        "a line is refused only by the file system (a full disk, a missing folder, permissions), which can be mended, so every failed write is retried";

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
