using static Sequin.Functions.V8.Tests.V8FunctionEngineTests;

namespace Sequin.Functions.V8.Tests.Security;

/// <summary>
/// The attack suite on the experimental V8 engine (issue 29): each probe fails its own call, the process survives, and
/// the instance routes the next message.
/// </summary>
public sealed class HostileV8FunctionTests
{
    [Theory]
    [InlineData("new Array(1e9).fill(0);", "RangeError: Array.prototype.fill: the array is longer than 1000000 elements")]
    [InlineData("Array.prototype.fill.call({ length: 1e9 }, 0);", "RangeError: Array.prototype.fill: the array is longer than 1000000 elements")]
    [InlineData("const big = new Uint8Array(1024 * 1024 * 1024); big[0] = 1;", "RangeError")]
    [InlineData("const kept = []; for (let i = 0; i < 64; i++) { kept.push(new ArrayBuffer(1024 * 1024)); }", "Routing function 'r' failed")] // a RangeError, or the time limit while V8 collects to make room
    [InlineData("const ia = new Int32Array(new SharedArrayBuffer(16)); Atomics.wait(ia, 0, 0);", "ReferenceError: SharedArrayBuffer is not defined")]
    [InlineData("Atomics.wait(new Int32Array(4), 0, 0);", "ReferenceError: Atomics is not defined")]
    public void AProbeFailsItsOwnCallAndTheProcessAndInstanceSurvive(string probe, string expected)
    {
        var instance = V8FunctionEngine.Shared.Compile(
            Route("function route(action, record, changes, metadata) {\n  if (record.id === 1) { " + probe + " }\n  return { topic: 'ok' };\n}"), Limits).CreateInstance();

        var e = Assert.Throws<FunctionException>(() => instance.InvokeRoute(Input(Message("1", "new")), []));
        var after = new List<RouteEntry>();
        instance.InvokeRoute(Input(Message("2", "new")), after);

        Assert.Contains(expected, e.Error.Message, StringComparison.Ordinal);
        Assert.Equal("ok", Assert.Single(after).Text);
    }

    [Fact]
    public void ArrayBuffersUpToTheMemoryLimitStillWork()
    {
        var instance = V8FunctionEngine.Shared.Compile(
            Route("function route() {\n  const b = new Uint8Array(4 * 1024 * 1024); b[1] = 7;\n  return { topic: 'n' + b.length + b[1] };\n}"), Limits).CreateInstance();
        var output = new List<RouteEntry>();

        instance.InvokeRoute(Input(Message("1", "new")), output);

        Assert.Equal("n41943047", Assert.Single(output).Text);
    }
}
