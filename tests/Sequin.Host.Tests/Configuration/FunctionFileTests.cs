using System.Diagnostics;
using Sequin.Host.Tests.Support;

namespace Sequin.Host.Tests.Configuration;

/// <summary>A function's <c>file:</c> is a small regular file in the configuration's folder; errors never quote it.</summary>
public sealed class FunctionFileTests : IDisposable
{
    private const string Secret = "TOPSECRET_9f3a1c";
    private readonly TempDirectory _outside = new();
    private readonly TempDirectory _dir = new();

    private static string WithFilterFile(string file) => Yaml.ValidConfig.Replace(
        "code: \"function filter(action, record, changes, metadata) { return true; }\"",
        $"file: \"{file}\"",
        StringComparison.Ordinal);

    [Fact]
    public void DevZeroIsRefusedWithoutReadingIt()
    {
        var result = Yaml.Load(WithFilterFile("/dev/zero"), baseDirectory: _dir.Path);

        var error = Assert.Single(result.Errors);
        Assert.Equal("functions[1].file", error.Path);
        Assert.Contains("outside the configuration file's folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALinkInTheFolderToADeviceIsRefused()
    {
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "zero.js"), "/dev/zero");

        var error = Assert.Single(Yaml.Load(WithFilterFile("zero.js"), baseDirectory: _dir.Path).Errors);

        Assert.Equal("functions[1].file", error.Path);
        Assert.Contains("outside the configuration file's folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesOutsideTheFolderAreRefusedAndNeverQuoted()
    {
        var secretFile = _outside.Write("shadow", $"root:{Secret}:19000:0:99999:7:::\n");
        Directory.CreateDirectory(Path.Combine(_dir.Path, "fns"));
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "fns", "linked.js"), secretFile);
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "elsewhere"), _outside.Path);
        var relative = Path.GetRelativePath(_dir.Path, secretFile);

        foreach (var file in new[] { secretFile, "fns/linked.js", "elsewhere/shadow", relative, "fns/../fns/linked.js" })
        {
            var error = Assert.Single(Yaml.Load(WithFilterFile(file), baseDirectory: _dir.Path).Errors);

            Assert.Equal("functions[1].file", error.Path);
            Assert.True(
                error.Message.Contains("outside the configuration file's folder", StringComparison.Ordinal) || error.Message.Contains("'..'", StringComparison.Ordinal),
                $"{file}: {error.Message}");
            Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void APipeInTheFolderIsRefusedWithoutWaitingForAWriter()
    {
        var fifo = Path.Combine(_dir.Path, "pipe.js");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            Assert.True(mkfifo.WaitForExit(10_000));
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var error = Assert.Single(Yaml.Load(WithFilterFile("pipe.js"), baseDirectory: _dir.Path).Errors);

        Assert.Equal("functions[1].file", error.Path);
        Assert.Contains("empty or not a regular file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryAndNonJavaScriptFilesInTheFolderAreNotQuoted()
    {
        _dir.Write("binary.js", string.Empty);
        File.WriteAllBytes(Path.Combine(_dir.Path, "binary.js"), [0x41, 0xff, 0xfe, 0x42]);
        _dir.Write("notes.js", $"root:{Secret}:19000:0:99999:7:::\n{Secret} = 1;\n");
        _dir.Write("throws.js", $"function filter(action, record, changes, metadata) {{ return {Secret}.x; }}\n");

        var binary = Assert.Single(Yaml.Load(WithFilterFile("binary.js"), baseDirectory: _dir.Path).Errors);
        var notes = Assert.Single(Yaml.Load(WithFilterFile("notes.js"), baseDirectory: _dir.Path).Errors);
        var throws = Assert.Single(Yaml.Load(WithFilterFile("throws.js"), baseDirectory: _dir.Path).Errors);

        Assert.Contains("is not UTF-8 text", binary.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", notes.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, notes.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", throws.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, throws.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFileInASubfolderLinkedWithinTheFolderIsRead()
    {
        _dir.Write("lib/filter.js", "function filter(action, record, changes, metadata) { return false; }");
        File.CreateSymbolicLink(Path.Combine(_dir.Path, "current.js"), "lib/filter.js");

        var result = Yaml.Load(WithFilterFile("current.js"), baseDirectory: _dir.Path);

        Assert.Empty(result.Errors);
        Assert.Contains("return false", result.Config!.FindFunction("only-big")!.Code, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _dir.Dispose();
        _outside.Dispose();
    }
}
