using System.Runtime.InteropServices;

namespace Sequin.Sinks.Stdout;

/// <summary>
/// Checks a <c>path:</c> before the sink runs: it must be a regular file, a named pipe (written like standard output),
/// or a file that can be created (its folder exists). A device such as <c>/dev/null</c> is refused: it looks seekable,
/// but never grows, so every batch would look lost after its write and the sink would retry it until the stream parks.
/// </summary>
internal static partial class StdoutPath
{
    private const int AtCurrentDirectory = -100; // AT_FDCWD
    private const uint StatxType = 0x1; // STATX_TYPE
    private const int TypeMask = 0xF000; // S_IFMT
    private const int RegularFile = 0x8000; // S_IFREG
    private const int NamedPipe = 0x1000; // S_IFIFO
    private const int Directory = 0x4000; // S_IFDIR

    /// <summary>Why <paramref name="path"/> cannot take the sink's messages, or null when it can.</summary>
    public static string? Problem(string path)
    {
        if (path == StdoutSinkOptions.StandardOutput || path.Length == 0)
        {
            return null;
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"'{path}' is not a valid file path: {e.Message}";
        }

        if (System.IO.Directory.Exists(full))
        {
            return $"'{path}' is a folder; give a file in it (e.g. {Path.Combine(path, "changes.jsonl")}), or '-' for standard output.";
        }

        if (!File.Exists(full))
        {
            var folder = Path.GetDirectoryName(full);
            return folder is null || System.IO.Directory.Exists(folder)
                ? null
                : $"The folder of '{path}' ({folder}) does not exist; create it, or give another path.";
        }

        return TypeOf(full) switch
        {
            null or RegularFile or NamedPipe => null,
            Directory => $"'{path}' is a folder; give a file in it, or '-' for standard output.",
            _ => $"'{path}' is not a regular file (a device or socket): its size never grows, so the sink could not tell a written batch from a lost one. Give a regular file, or '-' for standard output.",
        };
    }

    /// <summary>The file type bits (<c>S_IFMT</c>) of <paramref name="full"/>, symbolic links followed; null where unknown.</summary>
    private static int? TypeOf(string full)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return StatX(AtCurrentDirectory, full, 0, StatxType, out var status) == 0 && (status.Mask & StatxType) != 0
                ? status.Mode & TypeMask
                : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int directory, string path, int flags, uint mask, out StatXBuffer status);

    /// <summary>Linux's <c>struct statx</c>: the same layout on every architecture; only the fields read here are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatXBuffer
    {
        [FieldOffset(0)]
        public uint Mask;

        [FieldOffset(28)]
        public ushort Mode;
    }
}
